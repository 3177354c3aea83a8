/// One erasure request as recorded in `meta.sqlite` (`forget_requests`). Never holds the value.
public struct ForgetRequest: Sendable, Hashable {
    /// Row id (0 before it is recorded).
    public var id: Int64
    /// When it was carried out, in milliseconds since the epoch.
    public var requestedAt: Int64
    /// `sub` or `client_ip`.
    public var field: PseudonymField
    /// Who asked: the API token's name, or the local user running `jwtaudit forget`.
    public var requestedBy: String
    /// Stored events that held the value's pseudonym (they stay, unlinkable).
    public var eventsAffected: Int64

    public init(id: Int64 = 0, requestedAt: Int64, field: PseudonymField, requestedBy: String, eventsAffected: Int64) {
        self.id = id
        self.requestedAt = requestedAt
        self.field = field
        self.requestedBy = requestedBy
        self.eventsAffected = eventsAffected
    }
}

/// The record of erasure requests, table `forget_requests` in `meta.sqlite` (read by compliance
/// reports; its schema is fixed).
public final class ForgetRequestLog {
    private let connection: SQLiteConnection
    private let hasTable: Bool

    static let schema = """
        CREATE TABLE IF NOT EXISTS forget_requests (
            id INTEGER PRIMARY KEY,
            requested_at INTEGER NOT NULL,
            field TEXT NOT NULL,
            requested_by TEXT NOT NULL,
            events_affected INTEGER NOT NULL
        );
        """

    /// Opens the table in `directory`'s `meta.sqlite`, creating it unless `readOnly`.
    public init(directory: DataDirectory, readOnly: Bool = false) throws {
        (connection, hasTable) = try MetaTables.open(
            directory, readOnly: readOnly, schema: Self.schema, tables: ["forget_requests"])
    }

    /// Records `request`; returns its id.
    @discardableResult
    public func record(_ request: ForgetRequest) throws -> Int64 {
        let insert = try connection.prepare(
            "INSERT INTO forget_requests (requested_at, field, requested_by, events_affected) VALUES (?, ?, ?, ?)")
        insert.bind(1, request.requestedAt)
        insert.bind(2, request.field.name)
        insert.bind(3, request.requestedBy)
        insert.bind(4, request.eventsAffected)
        try connection.transaction { _ = try insert.step() }
        return connection.lastInsertRowID
    }

    /// Every request, oldest first.
    public func all() throws -> [ForgetRequest] {
        guard hasTable else { return [] }
        let statement = try connection.prepare(
            "SELECT id, requested_at, field, requested_by, events_affected FROM forget_requests ORDER BY id")
        var requests: [ForgetRequest] = []
        while try statement.step() {
            guard let field = statement.text(2).flatMap(PseudonymField.init(name:)) else { continue }
            requests.append(
                ForgetRequest(
                    id: statement.int64(0), requestedAt: statement.int64(1), field: field,
                    requestedBy: statement.text(3) ?? "", eventsAffected: statement.int64(4)))
        }
        return requests
    }
}
