/// At most `limit` uses per key in each fixed window of event time, the windows staggered per
/// key: so any sliding window of the same length holds at most `2 × limit` uses of a key.
///
/// The generator's guard against detector thresholds: with a 10-minute window and a limit of
/// 2, no address ever has 5 rejections within 10 minutes.
struct WindowBudget {
    /// Per key: the window number in the high 48 bits, the uses in it in the low 16.
    private var entries: [UInt64]
    private let windowSeconds: Int64
    private let limit: UInt64

    /// A budget for keys `0..<count`.
    init(count: Int, windowSeconds: Int64, limit: Int) {
        precondition(limit >= 1 && limit < 0xFFFF, "the count is kept in 16 bits")
        entries = Array(repeating: 0, count: max(count, 1))
        self.windowSeconds = windowSeconds
        self.limit = UInt64(limit)
    }

    private func window(_ key: Int, _ seconds: Int64) -> UInt64 {
        // A per-key offset staggers the windows, so that budgets do not all refill at once.
        let offset = Int64(SplitMix64.mix(UInt64(key)) % UInt64(windowSeconds))
        // +1: window 0 stands for "never used".
        return UInt64(truncatingIfNeeded: (seconds + offset) / windowSeconds + 1) & 0xFFFF_FFFF_FFFF
    }

    /// Whether `key` may be used at `seconds`.
    func allows(_ key: Int, at seconds: Int64) -> Bool {
        let entry = entries[key]
        return entry >> 16 != window(key, seconds) || entry & 0xFFFF < limit
    }

    /// Counts a use of `key` at `seconds` (which ``allows(_:at:)`` allowed).
    mutating func use(_ key: Int, at seconds: Int64) {
        let current = window(key, seconds)
        let entry = entries[key]
        entries[key] = entry >> 16 == current ? entry + 1 : current << 16 | 1
    }
}
