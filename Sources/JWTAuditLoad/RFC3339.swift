/// RFC 3339 timestamps in UTC, written straight into generated lines in several styles (as
/// real producers vary). Parsing is the model's `Timestamp.parseRFC3339`, the daemon's own.
public enum RFC3339 {
    /// How many digits of fraction a formatted timestamp carries, and how it names UTC.
    public enum Style: Sendable, Hashable {
        /// `2025-11-29T03:28:01.123456Z`
        case microseconds
        /// `2025-11-29T03:28:01.123Z`
        case milliseconds
        /// `2025-11-29T03:28:01+00:00`
        case secondsWithOffset
    }

    /// Formats `micros` (microseconds since the epoch) in UTC.
    public static func format(micros: Int64, style: Style = .microseconds) -> String {
        var writer = ByteWriter(capacity: 32)
        writer.appendTimestamp(micros: micros, style: style)
        return String(decoding: writer.bytes, as: UTF8.self)
    }
}
