/// Erasure of one data subject's link to the store (`jwtaudit forget`), by crypto-shredding: the
/// key that turns the clear value into its pseudonym is destroyed, so stored events, alerts and
/// blocks stay byte for byte as they were (the hash chain still verifies) but can no longer be
/// tied to the value.
public enum StoreEraser {
    /// What a request did.
    public struct Outcome: Sendable, Hashable {
        public var field: PseudonymField
        /// Whether the value had a key (it was seen since pseudonymisation began and not forgotten).
        public var hadKey: Bool
        /// Events that held its pseudonym: no longer linked to it.
        public var eventsAffected: Int64
        /// Events that hold the value in clear (stored before pseudonymisation began, or while it
        /// was off): erasing them would break the hash chain, so they stay until retention deletes them.
        public var clearEvents: Int64
        /// The `forget_requests` row.
        public var requestID: Int64

        public init(field: PseudonymField, hadKey: Bool, eventsAffected: Int64, clearEvents: Int64, requestID: Int64) {
            self.field = field
            self.hadKey = hadKey
            self.eventsAffected = eventsAffected
            self.clearEvents = clearEvents
            self.requestID = requestID
        }
    }

    /// A refusal: the store or the policy does not pseudonymise the field.
    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// The refusal for a field the store keeps in clear.
    public static func clearRefusal(_ field: PseudonymField) -> Refusal {
        Refusal(
            description: "this store keeps \(field.name) in clear (pseudonymisation of \(field.name) is off), so "
                + "there is no key to destroy; erasing the value from stored blocks would break the hash chain. "
                + "Enable pseudonymisation in retention.json for events stored from then on (docs/retention.md)")
    }

    /// Forgets `value` of `field` in `directory` with no daemon running (the caller holds the
    /// data folder's lock): destroys its key, drops the persisted detection state about its
    /// pseudonym, counts the events affected and records the request. `now` is µs since the epoch.
    public static func forgetOffline(
        directory: DataDirectory, field: PseudonymField, value: String, requestedBy: String, now: Int64
    ) throws -> Outcome {
        guard try PseudonymLookup(directory: directory).pseudonymises(field) else { throw clearRefusal(field) }
        let pseudonymiser = try Pseudonymiser(directory: directory, fields: [], now: now)
        let pseudonym = try pseudonymiser.forget(field, value)
        if let pseudonym, FileSystem.exists(LedgerStore.path(in: directory)) {
            try LedgerStore(directory: directory).forget(field, value: pseudonym)
        }
        return try record(
            directory: directory, field: field, value: value, pseudonym: pseudonym, requestedBy: requestedBy, now: now)
    }

    /// Counts the events affected by a forget already carried out (the key destroyed, detection
    /// state dropped) and records it in `forget_requests`.
    public static func record(
        directory: DataDirectory, field: PseudonymField, value: String, pseudonym: String?, requestedBy: String,
        now: Int64
    ) throws -> Outcome {
        let search = EventSearch(directory: directory)
        let affected = try pseudonym.map { try search.count(field, storedValue: $0) } ?? 0
        let clear = try search.count(field, storedValue: value)
        let id = try ForgetRequestLog(directory: directory).record(
            ForgetRequest(requestedAt: now / 1_000, field: field, requestedBy: requestedBy, eventsAffected: affected))
        return Outcome(
            field: field, hadKey: pseudonym != nil, eventsAffected: affected, clearEvents: clear, requestID: id)
    }
}

extension StoreEraser.Outcome {
    /// What `jwtaudit forget` prints (never the value).
    public var lines: [String] {
        var lines: [String]
        if hadKey {
            lines = [
                "forgot one \(field.name): its pseudonym key is destroyed; \(eventsAffected) stored events "
                    + "can no longer be linked to it (blocks unchanged: verify still passes)"
            ]
        } else {
            lines = [
                "no key for that \(field.name): it was never stored since pseudonymisation began, or was "
                    + "already forgotten; nothing links it to stored events"
            ]
        }
        if clearEvents > 0 {
            lines.append(
                "warning: \(clearEvents) events stored while pseudonymisation was off (before it began) hold it in "
                    + "clear; they stay until retention deletes them (erasing them would break the hash chain)")
        }
        lines.append("recorded as forget request \(requestID) in meta.sqlite")
        return lines
    }
}
