import CSQLite

/// One SQLite connection over the C API. Not thread-safe: each owner (the writer, a reader)
/// keeps its own.
public final class SQLiteConnection {
    let handle: OpaquePointer
    /// The file this connection opened.
    public let path: String

    /// Opens (and with `create`, creates) the database at `path`.
    public init(path: String, readOnly: Bool = false, create: Bool = true) throws {
        var db: OpaquePointer?
        var flags = SQLITE_OPEN_NOMUTEX
        if readOnly {
            flags |= SQLITE_OPEN_READONLY
        } else {
            flags |= SQLITE_OPEN_READWRITE
            if create { flags |= SQLITE_OPEN_CREATE }
        }
        let status = sqlite3_open_v2(path, &db, flags, nil)
        guard status == SQLITE_OK, let db else {
            let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            if let db { sqlite3_close_v2(db) }
            throw SQLiteError(code: status, message: message, operation: "open \(path)")
        }
        handle = db
        self.path = path
        sqlite3_busy_timeout(db, 5_000)
        sqlite3_extended_result_codes(db, 1)
    }

    deinit {
        sqlite3_close_v2(handle)
    }

    /// Runs one or more statements that take no arguments.
    public func execute(_ sql: String) throws {
        var errorMessage: UnsafeMutablePointer<CChar>?
        let status = sqlite3_exec(handle, sql, nil, nil, &errorMessage)
        if status != SQLITE_OK {
            let message = errorMessage.map { String(cString: $0) } ?? lastMessage
            sqlite3_free(errorMessage)
            throw SQLiteError(code: status, message: message, operation: "execute on \(fileName)")
        }
    }

    /// Copies the write-ahead log into the database and empties it (at shutdown: the folder holds
    /// no stray `-wal` data afterwards).
    public func checkpointWriteAheadLog() throws {
        try execute("PRAGMA wal_checkpoint(TRUNCATE);")
    }

    /// Prepares a statement for repeated use.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        try SQLiteStatement(connection: self, sql: sql)
    }

    /// Runs `body` in a transaction: committed when it returns, rolled back when it throws.
    public func transaction<T>(immediate: Bool = true, _ body: () throws -> T) throws -> T {
        try execute(immediate ? "BEGIN IMMEDIATE" : "BEGIN")
        do {
            let result = try body()
            try execute("COMMIT")
            return result
        } catch {
            try? execute("ROLLBACK")
            throw error
        }
    }

    /// The first column of the first row of `sql`, as an integer, or nil when there is no row.
    public func scalarInt(_ sql: String) throws -> Int64? {
        let statement = try prepare(sql)
        return try statement.step() ? statement.int64(0) : nil
    }

    /// Rowid of the last insert.
    public var lastInsertRowID: Int64 { sqlite3_last_insert_rowid(handle) }

    var lastMessage: String { String(cString: sqlite3_errmsg(handle)) }

    var fileName: String { path.split(separator: "/").last.map(String.init) ?? path }

    func error(_ status: Int32, _ operation: String) -> SQLiteError {
        SQLiteError(code: status, message: lastMessage, operation: "\(operation) on \(fileName)")
    }
}
