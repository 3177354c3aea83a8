import CoreMetrics
import JWTAuditModel
import Synchronization

/// Running totals of the collector, readable from any thread.
public final class CollectorCounters: Sendable {
    public let linesReceived = Atomic<Int64>(0)
    public let eventsStored = Atomic<Int64>(0)
    public let linesRejected = Atomic<Int64>(0)
    public let duplicatesDropped = Atomic<Int64>(0)
    public let sequenceGaps = Atomic<Int64>(0)
    public let commits = Atomic<Int64>(0)
    public let connectionsOpen = Atomic<Int64>(0)
    public let writeFailures = Atomic<Int64>(0)
    /// False while commits fail (a full disk): new event lines are refused meanwhile.
    public let storageAvailable = Atomic<Bool>(true)
    /// Event lines refused with `storage_unavailable` since start (never stored).
    public let eventsRefused = Atomic<Int64>(0)
    /// Connections over `max_connections`, answered `too_many_connections` and closed.
    public let connectionsRefused = Atomic<Int64>(0)
    /// Connections closed with `line_timeout` (a first or started line not completed in time).
    public let connectionsTimedOut = Atomic<Int64>(0)
    /// Connections closed because their client read no replies for `write_stall_timeout_seconds`.
    public let connectionsStalled = Atomic<Int64>(0)
    /// Times a connection's reading was paused by `max_lines_per_second` or
    /// `max_lines_per_second_per_uid`.
    public let rateLimitPauses = Atomic<Int64>(0)
    /// Events waiting for the writer's next group commit.
    public let ingestQueueEvents = Atomic<Int64>(0)
    /// Sealed blocks written since start.
    public let blocksSealed = Atomic<Int64>(0)
    /// Compressed bytes of those blocks.
    public let sealedBlockBytes = Atomic<Int64>(0)
    /// Rejected lines by wire code (`jwtaudit_events_rejected_total`), through swift-metrics: a no-op
    /// until the process bootstraps a metrics backend.
    public let rejectedByCode: [RejectionCode: CoreMetrics.Counter]

    public init() {
        rejectedByCode = Dictionary(
            uniqueKeysWithValues: RejectionCode.allCases.map { code in
                (code, CoreMetrics.Counter(label: "jwtaudit_events_rejected_total", dimensions: [("code", code.rawValue)]))
            })
    }

}
