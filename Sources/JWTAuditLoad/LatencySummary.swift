/// Percentiles of a set of latency samples (nearest-rank), in seconds.
public struct LatencySummary: Sendable, Hashable {
    /// Number of samples.
    public var count: Int
    /// Median.
    public var p50: Double
    /// 90th percentile.
    public var p90: Double
    /// 99th percentile.
    public var p99: Double
    /// Largest sample.
    public var max: Double

    /// Summarises samples in nanoseconds; nil when there are none.
    public init?(nanoseconds samples: [UInt64]) {
        guard !samples.isEmpty else { return nil }
        let sorted = samples.sorted()
        func rank(_ quantile: Double) -> Double {
            let index = Swift.max(
                0,
                Swift.min(sorted.count - 1, Int((quantile * Double(sorted.count)).rounded(.up)) - 1)
            )
            return Double(sorted[index]) / 1e9
        }
        count = sorted.count
        p50 = rank(0.5)
        p90 = rank(0.9)
        p99 = rank(0.99)
        max = Double(sorted[sorted.count - 1]) / 1e9
    }
}
