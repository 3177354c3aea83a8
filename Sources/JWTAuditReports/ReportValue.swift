/// One cell of a report table.
public enum ReportValue: Sendable, Hashable {
    /// Text; may come from events (escape it in every format).
    case text(String)
    /// An exact count or number of seconds.
    case integer(Int64)
    /// A moment, µs since the epoch (RFC 3339 UTC in every format).
    case time(Int64)
    /// No value.
    case null
}

/// The type of a report table's column, as the JSON schema names it.
public enum ReportColumnType: String, Sendable, Hashable {
    /// Strings.
    case text
    /// Integers (counts, seconds).
    case integer
    /// RFC 3339 UTC times.
    case time
}

/// A column of a report table.
public struct ReportColumn: Sendable, Hashable {
    /// Its name: snake_case, the CSV header.
    public var name: String
    /// The type of its values (every value may also be null).
    public var type: ReportColumnType

    /// A column from its name and type.
    public init(_ name: String, _ type: ReportColumnType) {
        self.name = name
        self.type = type
    }
}
