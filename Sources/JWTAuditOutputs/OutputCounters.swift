import Synchronization

/// Running totals of one output, readable from any thread.
///
/// Every alert offered to an output and passing its severity filter ends in exactly one of
/// `sent`, `failed` or `dropped` (or is still `queued`).
public final class OutputCounters: Sendable {
    /// Alerts accepted into the queue.
    public let accepted = Atomic<Int64>(0)
    /// Alerts delivered.
    public let sent = Atomic<Int64>(0)
    /// Alerts the receiver refused for good (a webhook's 4xx other than 408 and 429).
    public let failed = Atomic<Int64>(0)
    /// Delivery attempts after the first one (webhook and syslog).
    public let retried = Atomic<Int64>(0)
    /// Alerts lost: the queue was full, every attempt failed, or shutdown's deadline passed.
    public let dropped = Atomic<Int64>(0)
    /// Alerts waiting or being delivered now.
    public let queued = Atomic<Int64>(0)

    /// Counters at zero.
    public init() {}

    /// The counters' values at one moment.
    public var snapshot: Snapshot {
        Snapshot(
            accepted: accepted.load(ordering: .relaxed), sent: sent.load(ordering: .relaxed),
            failed: failed.load(ordering: .relaxed), retried: retried.load(ordering: .relaxed),
            dropped: dropped.load(ordering: .relaxed), queued: queued.load(ordering: .relaxed)
        )
    }

    /// Plain values of ``OutputCounters``, for metrics and status pages.
    public struct Snapshot: Sendable, Hashable {
        /// See ``OutputCounters/accepted``.
        public var accepted: Int64
        /// See ``OutputCounters/sent``.
        public var sent: Int64
        /// See ``OutputCounters/failed``.
        public var failed: Int64
        /// See ``OutputCounters/retried``.
        public var retried: Int64
        /// See ``OutputCounters/dropped``.
        public var dropped: Int64
        /// See ``OutputCounters/queued``.
        public var queued: Int64

        /// The values, all zero by default.
        public init(
            accepted: Int64 = 0, sent: Int64 = 0, failed: Int64 = 0, retried: Int64 = 0, dropped: Int64 = 0,
            queued: Int64 = 0
        ) {
            self.accepted = accepted
            self.sent = sent
            self.failed = failed
            self.retried = retried
            self.dropped = dropped
            self.queued = queued
        }
    }
}
