import JWTAuditModel

/// A rejected line, as kept for operators: its first bytes (tokens redacted), why, when, from whom.
public struct QuarantinedLine: Sendable, Hashable {
    public var receivedAt: Int64
    public var peerUID: UInt32
    public var peerPID: Int32
    public var producer: String?
    /// The 1-based line number on its connection (event lines after the hello).
    public var line: Int64
    public var code: RejectionCode
    public var field: String?
    public var message: String
    /// The first bytes of the line, with anything shaped like a JWT replaced.
    public var excerpt: String

    public init(
        receivedAt: Int64, peerUID: UInt32, peerPID: Int32, producer: String?, line: Int64,
        rejection: EventRejection, excerpt: String
    ) {
        self.receivedAt = receivedAt
        self.peerUID = peerUID
        self.peerPID = peerPID
        self.producer = producer
        self.line = line
        code = rejection.code
        field = rejection.field
        message = rejection.message
        self.excerpt = excerpt
    }
}

/// The bounded quarantine of rejected lines in `meta.sqlite`: the newest `capacity` are kept.
public final class QuarantineStore {
    /// Lines kept at most. Default 10,000.
    public let capacity: Int
    private let connection: SQLiteConnection

    static let schema = """
        CREATE TABLE IF NOT EXISTS quarantine (
            id INTEGER PRIMARY KEY,
            received_at INTEGER NOT NULL,
            peer_uid INTEGER NOT NULL,
            peer_pid INTEGER NOT NULL,
            producer TEXT,
            line INTEGER NOT NULL,
            code TEXT NOT NULL,
            field TEXT,
            message TEXT NOT NULL,
            excerpt TEXT NOT NULL
        );
        """

    /// Opens the quarantine of `directory` for writing (or only reading).
    public init(directory: DataDirectory, readOnly: Bool = false, capacity: Int = 10_000) throws {
        self.capacity = capacity
        connection = try SQLiteConnection(path: directory.metaPath, readOnly: readOnly)
        if !readOnly {
            try connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
            try connection.execute(Self.schema)
        }
    }

    /// Appends `lines` and trims the oldest beyond capacity.
    public func append(_ lines: [QuarantinedLine]) throws {
        guard !lines.isEmpty else { return }
        let insert = try connection.prepare(
            """
            INSERT INTO quarantine (received_at, peer_uid, peer_pid, producer, line, code, field, message, excerpt)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try connection.transaction {
            for line in lines.suffix(capacity) {
                insert.reset()
                insert.bind(1, line.receivedAt)
                insert.bind(2, Int64(line.peerUID))
                insert.bind(3, Int64(line.peerPID))
                insert.bind(4, line.producer)
                insert.bind(5, line.line)
                insert.bind(6, line.code.rawValue)
                insert.bind(7, line.field)
                insert.bind(8, line.message)
                insert.bind(9, line.excerpt)
                try insert.step()
            }
            try connection.execute(
                "DELETE FROM quarantine WHERE id <= (SELECT max(id) FROM quarantine) - \(capacity)")
        }
    }

    /// The newest `limit` lines, newest first.
    public func newest(_ limit: Int) throws -> [QuarantinedLine] {
        guard try connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'quarantine'") == 1 else {
            return []
        }
        let statement = try connection.prepare(
            """
            SELECT received_at, peer_uid, peer_pid, producer, line, code, field, message, excerpt
            FROM quarantine ORDER BY id DESC LIMIT ?
            """)
        statement.bind(1, Int64(limit))
        var lines: [QuarantinedLine] = []
        while try statement.step() {
            let code = statement.text(5).flatMap(RejectionCode.init(rawValue:)) ?? .invalidJSON
            lines.append(
                QuarantinedLine(
                    receivedAt: statement.int64(0), peerUID: UInt32(truncatingIfNeeded: statement.int64(1)),
                    peerPID: Int32(truncatingIfNeeded: statement.int64(2)), producer: statement.text(3),
                    line: statement.int64(4),
                    rejection: EventRejection(code, field: statement.text(6), statement.text(7) ?? ""),
                    excerpt: statement.text(8) ?? ""))
        }
        return lines
    }
}
