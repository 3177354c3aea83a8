/// A failed SQLite call. The description names the operation and SQLite's message; it never
/// contains bound values.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// SQLite's result code.
    public var code: Int32
    /// SQLite's message for the failure.
    public var message: String
    /// What was being done, e.g. "open events-2026-11-29.sqlite".
    public var operation: String

    public var description: String { "\(operation): \(message) (SQLite code \(code))" }

    /// True for errors that mean the disk or quota is full.
    public var isDiskFull: Bool { code & 0xff == 13 }  // SQLITE_FULL
}
