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

    public init() {}

}
