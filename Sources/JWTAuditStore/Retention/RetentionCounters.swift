import NIOConcurrencyHelpers

/// Totals of the daemon's retention runs, for `/metrics` (docs/metrics.md): runs by result, the
/// last run's time, and blocks and events archived and deleted since the daemon started.
public final class RetentionCounters: Sendable {
    /// A copy of the totals.
    public struct Snapshot: Sendable, Hashable {
        /// Runs that finished.
        public var succeeded: Int64 = 0
        /// Runs that failed (the error is logged).
        public var failed: Int64 = 0
        /// When the last run (of either result) finished, seconds since the epoch; nil before any.
        public var lastRunSeconds: Double?
        /// Blocks and events moved to the archive tier.
        public var blocksArchived: Int64 = 0
        public var eventsArchived: Int64 = 0
        /// Blocks and events deleted.
        public var blocksDeleted: Int64 = 0
        public var eventsDeleted: Int64 = 0
    }

    private let state = NIOLockedValueBox(Snapshot())

    /// Counters at zero, with `lastRunSeconds` as the last recorded run (from `meta.sqlite`).
    public init(lastRunSeconds: Double? = nil) {
        state.withLockedValue { $0.lastRunSeconds = lastRunSeconds }
    }

    /// The totals now.
    public var snapshot: Snapshot { state.withLockedValue { $0 } }

    /// Counts a run that finished at `seconds` with these counts.
    public func succeeded(
        at seconds: Double, blocksArchived: Int64, eventsArchived: Int64, blocksDeleted: Int64, eventsDeleted: Int64
    ) {
        state.withLockedValue {
            $0.succeeded += 1
            $0.lastRunSeconds = seconds
            $0.blocksArchived += blocksArchived
            $0.eventsArchived += eventsArchived
            $0.blocksDeleted += blocksDeleted
            $0.eventsDeleted += eventsDeleted
        }
    }

    /// Counts a run that failed at `seconds`.
    public func failed(at seconds: Double) {
        state.withLockedValue {
            $0.failed += 1
            $0.lastRunSeconds = seconds
        }
    }
}
