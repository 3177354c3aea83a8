import JWTAuditModel

/// A time given on the command line: RFC 3339, or a duration back from now (`90s`, `15m`,
/// `24h`, `30d`, `2w`).
public enum TimeBound {
    /// Microseconds since the epoch for `text`, or nil when it is neither form.
    public static func parse(_ text: String, now: Int64) -> Int64? {
        if let absolute = Timestamp.parseRFC3339(text) { return absolute }
        guard let unit = text.last, let amount = Int64(text.dropLast()), amount >= 0 else { return nil }
        let seconds: Int64
        switch unit {
        case "s": seconds = 1
        case "m": seconds = 60
        case "h": seconds = 3_600
        case "d": seconds = 86_400
        case "w": seconds = 604_800
        default: return nil
        }
        let (back, overflow) = amount.multipliedReportingOverflow(by: seconds * 1_000_000)
        return overflow ? nil : now - back
    }
}
