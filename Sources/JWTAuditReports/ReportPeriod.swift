import JWTAuditModel

/// The period a report covers, `from..<to` in event time, on whole UTC hours: the bounds given are
/// widened to the hour (`from` down, `to` up) so that every count from the rollups is exact for
/// the period stated.
public struct ReportPeriod: Sendable, Hashable {
    /// Start, inclusive (µs, on an hour).
    public let from: Int64
    /// End, exclusive (µs, on an hour).
    public let to: Int64

    static let hour: Int64 = 3_600_000_000
    static let day: Int64 = 86_400_000_000

    /// The period that covers `from..<to` on whole hours; nil unless `from < to`.
    public init?(covering from: Int64, _ to: Int64) {
        guard from < to else { return nil }
        self.from = Self.floor(from, Self.hour)
        self.to = -Self.floor(-to, Self.hour)
    }

    /// Every UTC day that overlaps the period, oldest first.
    public var days: [Int64] {
        let first = Self.floor(from, Self.day) / Self.day
        let last = Self.floor(to - 1, Self.day) / Self.day
        return Array(first...last)
    }

    /// `2026-11-01T00:00:00Z … 2026-12-01T00:00:00Z`.
    public var description: String { "\(Timestamp.format(from)) … \(Timestamp.format(to))" }

    static func floor(_ value: Int64, _ unit: Int64) -> Int64 {
        (value >= 0 ? value / unit : (value + 1) / unit - 1) * unit
    }
}
