/// What `jwtaudit verify` found: counts for the summary, and the first damage if any.
public struct VerificationReport: Sendable {
    /// Chained blocks, stored or tombstoned (sequence numbers 1…blocks when intact).
    public var blocks: Int64 = 0
    /// Events in the stored blocks, as their headers count them.
    public var events: Int64 = 0
    /// Blocks deleted by retention whose tombstones stand in for them in the chain.
    public var tombstones: Int64 = 0
    /// Events those deleted blocks held.
    public var tombstonedEvents: Int64 = 0
    /// Latest event time (µs) in a deleted block, so an auditor can check it against the policy.
    public var newestTombstonedEvent: Int64?
    /// Events in unsealed blocks: stored, but covered by the chain only once sealed.
    public var unsealedEvents: Int64 = 0
    /// Of `blocks` and `events`, those in the archive tier.
    public var archivedBlocks: Int64 = 0
    public var archivedEvents: Int64 = 0
    /// Days that have an archive file.
    public var archiveDays: [PartitionDay] = []
    /// Retention runs recorded in the chain.
    public var runRecords: Int64 = 0
    /// Days that have a partition.
    public var partitions: [PartitionDay] = []
    /// Checkpoints read from the store's `meta.sqlite`.
    public var storeCheckpoints = 0
    /// Checkpoints read from the external file, or nil when none was given.
    public var fileCheckpoints: Int?
    /// Smallest and largest tree size over all checkpoints checked.
    public var checkpointRange: ClosedRange<Int64>?
    /// Time of the newest checkpoint (µs).
    public var latestCheckpointTime: Int64?
    /// Ids of the keys whose signatures were checked.
    public var keyIDs: [String] = []
    /// Whether the keys came from the store itself rather than from `--key`.
    public var keysFromStore = true
    /// The first damage found; nil when the store is intact.
    public var failure: IntegrityFailure?

    /// An empty report.
    public init() {}

    /// Whether nothing was found wrong.
    public var isIntact: Bool { failure == nil }

    /// Blocks after the largest checkpoint: intact as a chain, but not yet under a signature.
    public var uncoveredBlocks: Int64 { blocks - (checkpointRange?.upperBound ?? 0) }
}
