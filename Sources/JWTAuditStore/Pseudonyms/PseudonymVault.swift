import Glibc
import JWTAuditCrypto

/// The pseudonym key table, `DATA/pseudonyms.sqlite`: one random key per distinct pseudonymised
/// value, found by its keyed lookup hash (``Pseudonym``), plus the fields pseudonymised and since
/// when. Holds no clear value. Deleting a row is erasure, so the writer's connection runs with
/// `secure_delete` (deleted cells are overwritten with zeros) and ``delete(lookup:)`` empties the
/// write-ahead log afterwards.
public final class PseudonymVault {
    /// What the store records about one pseudonymised field.
    public struct FieldRecord: Sendable, Hashable {
        public var field: PseudonymField
        /// When the daemon first stored this field as pseudonyms (µs since the epoch).
        public var since: Int64
        /// Whether the store already held events then: those keep the field in clear.
        public var clearBefore: Bool
    }

    private let connection: SQLiteConnection
    /// Whether the key table exists (a read-only vault on a store that never pseudonymised has none).
    public let exists: Bool

    static let schema = """
        CREATE TABLE IF NOT EXISTS pseudonym_keys (
            lookup BLOB PRIMARY KEY,
            key BLOB NOT NULL
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS pseudonym_fields (
            field TEXT PRIMARY KEY,
            since INTEGER NOT NULL,
            clear_before INTEGER NOT NULL
        );
        """

    /// `DATA/pseudonyms.sqlite`.
    public static func path(in directory: DataDirectory) -> String { directory.root + "/pseudonyms.sqlite" }

    /// Opens the key table of `directory` (creating it unless `readOnly`).
    public init(directory: DataDirectory, readOnly: Bool = false) throws {
        let path = Self.path(in: directory)
        if readOnly && !FileSystem.exists(path) {
            connection = try SQLiteConnection(path: ":memory:")
            exists = false
            return
        }
        connection = try SQLiteConnection(path: path, readOnly: readOnly)
        if readOnly {
            exists = try connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'pseudonym_keys'") == 1
        } else {
            try connection.execute(
                "PRAGMA secure_delete = ON; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
            try connection.execute(Self.schema)
            exists = true
        }
    }

    /// The fields this store pseudonymises (or did), with when it started.
    public func fields() throws -> [FieldRecord] {
        guard exists else { return [] }
        let statement = try connection.prepare("SELECT field, since, clear_before FROM pseudonym_fields ORDER BY field")
        var records: [FieldRecord] = []
        while try statement.step() {
            guard let field = statement.text(0).flatMap(PseudonymField.init(name:)) else { continue }
            records.append(FieldRecord(field: field, since: statement.int64(1), clearBefore: statement.int64(2) != 0))
        }
        return records
    }

    /// Records that `field` is pseudonymised from `now` on, unless already recorded.
    func recordField(_ field: PseudonymField, now: Int64, clearBefore: Bool) throws {
        let statement = try connection.prepare(
            "INSERT OR IGNORE INTO pseudonym_fields (field, since, clear_before) VALUES (?, ?, ?)")
        statement.bind(1, field.rawValue)
        statement.bind(2, now)
        statement.bind(3, Int64(clearBefore ? 1 : 0))
        try statement.step()
    }

    /// The key stored under `lookup`, or nil.
    func key(lookup: [UInt8]) throws -> [UInt8]? {
        let statement = try keyStatement()
        statement.reset()
        statement.bind(1, lookup)
        defer { statement.reset() }  // ends the read, so no snapshot is held between calls
        return try statement.step() ? statement.blob(0) : nil
    }

    /// Stores new keys in one durable transaction (`synchronous=FULL`), before any event using
    /// them is written. An existing row is kept (it cannot differ: this connection is the only writer).
    func insert(_ rows: [(lookup: [UInt8], key: [UInt8])]) throws {
        guard !rows.isEmpty else { return }
        let statement = try connection.prepare("INSERT OR IGNORE INTO pseudonym_keys (lookup, key) VALUES (?, ?)")
        try connection.transaction {
            for row in rows {
                statement.reset()
                statement.bind(1, row.lookup)
                statement.bind(2, row.key)
                try statement.step()
            }
        }
    }

    /// Destroys the key under `lookup`: deletes the row (overwritten with zeros by `secure_delete`),
    /// then copies the write-ahead log into the file and truncates it, so the key's bytes are in no
    /// file of the folder. Returns whether a key was there.
    @discardableResult
    func delete(lookup: [UInt8]) throws -> Bool {
        let statement = try connection.prepare("DELETE FROM pseudonym_keys WHERE lookup = ?")
        statement.bind(1, lookup)
        try statement.step()
        let deleted = try connection.scalarInt("SELECT changes()") ?? 0
        try emptyWriteAheadLog()
        return deleted > 0
    }

    /// Checkpoints and truncates the WAL, retrying while a reader still holds an older snapshot
    /// (a search in progress); throws when it cannot within about 10 s.
    func emptyWriteAheadLog() throws {
        for attempt in 0..<200 {
            let statement = try connection.prepare("PRAGMA wal_checkpoint(TRUNCATE)")
            guard try statement.step() else { return }
            if statement.int64(0) == 0 { return }  // not busy: every frame copied, the log truncated
            if attempt < 199 { usleep(50_000) }
        }
        throw FileSystem.Failure(
            description: "the pseudonym key table's write-ahead log could not be emptied: a reader holds it open")
    }

    /// Rows in the key table (one per distinct pseudonymised value).
    public func keyCount() throws -> Int64 {
        guard exists else { return 0 }
        return try connection.scalarInt("SELECT count(*) FROM pseudonym_keys") ?? 0
    }

    private var cachedKeyStatement: SQLiteStatement?

    private func keyStatement() throws -> SQLiteStatement {
        if let cachedKeyStatement { return cachedKeyStatement }
        let statement = try connection.prepare("SELECT key FROM pseudonym_keys WHERE lookup = ?")
        cachedKeyStatement = statement
        return statement
    }
}
