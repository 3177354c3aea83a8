import JWTAuditCrypto
import JWTAuditModel

/// Replaces the configured fields of events with their pseudonyms before they are stored, and
/// destroys a value's key on request (``forget(_:_:)``). Owned by one thread (the daemon's writer,
/// or a `forget` command with the daemon stopped): not thread-safe.
///
/// Pseudonyms of recently seen values are cached in memory (clear value to pseudonym, two
/// generations of at most ``cacheCapacity`` entries each), so a warm event costs a dictionary
/// lookup per field; a miss costs one key-table read, a new value one HMAC, a random key and a
/// row written durably before the events that use it.
public final class Pseudonymiser {
    /// The fields replaced.
    public let fields: [PseudonymField]
    /// Entries per cache generation and field. Default 262,144 (about 30 MB per field when full).
    public let cacheCapacity: Int
    private let vault: PseudonymVault
    private let master: HMACSHA256
    private let subjects: PseudonymCache
    private let addresses: PseudonymCache

    /// Opens (creating) the key table of `directory` for `fields`; records each field's start
    /// (and whether `directory` already held events, which keep it in clear).
    public init(directory: DataDirectory, fields: [PseudonymField], now: Int64, cacheCapacity: Int = 262_144) throws {
        self.fields = Array(Set(fields)).sorted()
        self.cacheCapacity = max(cacheCapacity, 16)
        subjects = PseudonymCache(capacity: self.cacheCapacity)
        addresses = PseudonymCache(capacity: self.cacheCapacity)
        try directory.prepare()
        master = HMACSHA256(key: try StoreSecret.pseudonymMasterKey(in: directory))
        let hadEvents = !(try directory.partitionDays().isEmpty)
        vault = try PseudonymVault(directory: directory)
        for field in self.fields {
            try vault.recordField(field, now: now, clearBefore: hadEvents)
        }
    }

    /// Replaces every configured field of `events` with its pseudonym, in place. New keys are
    /// stored (and synced) first; when that fails it throws with `events` unchanged and nothing
    /// new cached, so a retry starts again from the clear events.
    ///
    /// A value found in memory costs one dictionary lookup: its pseudonym goes into a column
    /// beside the events and is written into them only once every key is durable.
    public func pseudonymise(_ events: inout [AuditEvent]) throws {
        guard !fields.isEmpty, !events.isEmpty else { return }
        var newRows: [(lookup: [UInt8], key: [UInt8])] = []
        var columns: [(field: PseudonymField, values: [String?], unknown: [String: String])] = []
        for field in fields {
            let cache = cache(field)
            cache.makeRoom(for: events.count)
            var column = [String?](repeating: nil, count: events.count)
            var misses: [Int] = []
            for index in events.indices {
                // The field is read where it lies: passing `events[index]` on would copy the event.
                guard let value = field == .subject ? events[index].subject : events[index].clientIP else { continue }
                if let pseudonym = cache.lookup(value) {
                    column[index] = pseudonym
                } else {
                    misses.append(index)
                }
            }
            var unknown: [String: String] = [:]
            for index in misses {
                let value = (field == .subject ? events[index].subject : events[index].clientIP)!
                if let resolved = unknown[value] {
                    column[index] = resolved
                    continue
                }
                let lookup = Pseudonym.lookup(master, field, value)
                let key: [UInt8]
                if let stored = try vault.key(lookup: lookup) {
                    key = stored
                } else {
                    key = SecureRandom.bytes(Pseudonym.keyBytes)
                    newRows.append((lookup, key))
                }
                let pseudonym = Pseudonym.make(key: key, value: value)
                unknown[value] = pseudonym
                column[index] = pseudonym
            }
            columns.append((field, column, unknown))
        }
        try vault.insert(newRows)
        for column in columns {
            let cache = cache(column.field)
            for (value, pseudonym) in column.unknown { cache.current[value] = pseudonym }
            if column.field == .subject {
                for index in events.indices where column.values[index] != nil {
                    events[index].subject = column.values[index]
                }
            } else {
                for index in events.indices where column.values[index] != nil {
                    events[index].clientIP = column.values[index]
                }
            }
        }
    }

    /// The pseudonym `value` has now, without creating a key; nil when it has none.
    public func existingPseudonym(_ field: PseudonymField, _ value: String) throws -> String? {
        let cache = cache(field)
        if let hit = cache.current[value] ?? cache.previous[value] { return hit }
        guard let key = try vault.key(lookup: Pseudonym.lookup(master, field, value)) else { return nil }
        return Pseudonym.make(key: key, value: value)
    }

    /// Destroys the key linking `value` to its pseudonym and drops it from the cache. Returns the
    /// pseudonym it had (so that state keyed by it can be dropped too), or nil when it had none.
    /// A later event with the same value gets a new key, and so a new, unrelated pseudonym.
    public func forget(_ field: PseudonymField, _ value: String) throws -> String? {
        let pseudonym = try existingPseudonym(field, value)
        let cache = cache(field)
        cache.current[value] = nil
        cache.previous[value] = nil
        try vault.delete(lookup: Pseudonym.lookup(master, field, value))
        return pseudonym
    }

    private func cache(_ field: PseudonymField) -> PseudonymCache {
        field == .subject ? subjects : addresses
    }
}

/// Clear value to pseudonym for one field, in two generations: when the current one would pass
/// its capacity it becomes the previous one, and a hit there moves back into the current one.
private final class PseudonymCache {
    let capacity: Int
    var current: [String: String] = [:]
    var previous: [String: String] = [:]

    init(capacity: Int) {
        self.capacity = capacity
    }

    /// Rotates the generations before a batch of up to `count` new values, so that nothing is
    /// dropped while the batch is being replaced.
    func makeRoom(for count: Int) {
        guard current.count + count > capacity, !current.isEmpty else { return }
        previous = current
        current = [:]
    }

    /// The cached pseudonym of `value` (a hit in the previous generation moves it to the current one).
    @inline(__always)
    func lookup(_ value: String) -> String? {
        if let hit = current[value] { return hit }
        guard !previous.isEmpty, let old = previous[value] else { return nil }
        current[value] = old
        return old
    }
}
