import JWTAuditModel

/// Dedup by `seq` per producer (`hello.client`): the highest stored `seq` is kept; a line at or
/// below it is a resend, acknowledged without being stored again; a jump counts the missing
/// numbers as lost by the producer.
struct ProducerSequences {
    private(set) var highest: [String: Int64]
    /// Resent events dropped since start.
    private(set) var duplicates: Int64 = 0
    /// Sequence numbers skipped by producers since start.
    private(set) var gaps: Int64 = 0
    /// Skipped numbers per producer since the last ``takeGaps()``.
    private var recentGaps: [String: Int64] = [:]

    init(stored: [String: Int64]) {
        highest = stored
    }

    /// Whether `event` is new; updates the marks when it is. Events without a producer or
    /// `seq` are always new.
    mutating func admit(_ event: AuditEvent) -> Bool {
        guard let producer = event.producer, let seq = event.sequence else { return true }
        if let high = highest[producer] {
            if seq <= high {
                duplicates += 1
                return false
            }
            if seq > high + 1 {
                let (missing, overflow) = seq.subtractingReportingOverflow(high)
                let lost = overflow ? Int64.max / 2 : missing - 1
                gaps += lost
                recentGaps[producer, default: 0] += lost
            }
        }
        highest[producer] = seq
        return true
    }

    /// Numbers skipped per producer since the last call.
    mutating func takeGaps() -> [String: Int64] {
        defer { recentGaps = [:] }
        return recentGaps
    }
}
