/// Time arithmetic on values a client sent (`exp`, `iat`, `nbf` may be any 64-bit integer):
/// results clamp to the `Int64` range instead of trapping (which would stop the daemon) or
/// wrapping (which would turn a far future into a past).
enum SaturatingTime {
    /// `seconds` in microseconds, clamped.
    static func micros(seconds: Int64) -> Int64 {
        let (value, overflow) = seconds.multipliedReportingOverflow(by: 1_000_000)
        return overflow ? (seconds < 0 ? .min : .max) : value
    }

    /// `a + b`, clamped.
    static func sum(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b < 0 ? .min : .max) : value
    }

    /// `a - b`, clamped.
    static func difference(_ a: Int64, _ b: Int64) -> Int64 {
        let (value, overflow) = a.subtractingReportingOverflow(b)
        return overflow ? (b > 0 ? .min : .max) : value
    }
}
