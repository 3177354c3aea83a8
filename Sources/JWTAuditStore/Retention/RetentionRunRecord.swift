/// One retention run as recorded in `meta.sqlite` (`retention_runs`).
public struct RetentionRunRecord: Sendable, Hashable {
    /// Row id; assigned when the run starts.
    public var id: Int64 = 0
    /// When the run started (µs).
    public var startedAt: Int64
    /// When it finished (µs); nil while it runs or if it stopped midway.
    public var finishedAt: Int64?
    /// The policy file applied.
    public var policyFile: String
    /// Blocks deleted (in dropped partitions too).
    public var blocksDeleted: Int64 = 0
    /// Events in those blocks.
    public var eventsDeleted: Int64 = 0
    /// Whole partition files removed.
    public var partitionsDropped: Int64 = 0
    /// Bytes returned to the file system.
    public var bytesReturned: Int64 = 0
    /// Blocks past their online period (the archive tier is not built: they stay online).
    public var blocksDueForArchive: Int64 = 0
    /// Ids of the legal holds that stopped a deletion, comma-separated.
    public var holdsApplied: [String] = []

    /// A run starting at `startedAt` under `policyFile`.
    public init(startedAt: Int64, policyFile: String) {
        self.startedAt = startedAt
        self.policyFile = policyFile
    }
}
