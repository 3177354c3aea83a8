/// A block the retention job moved to the archive tier, as recorded in `meta.sqlite`
/// (`archived_blocks`): which block, which run, and the SHA-256 of both the online payload (which
/// its hash covers) and the payload now stored (the same bytes unless recompressed). The run's chained record covers these
/// rows, so the archived bytes are attested by the chain (docs/integrity.md).
public struct ArchivedBlock: Sendable, Hashable {
    /// The block's place in the chain.
    public var sequence: Int64
    /// The day (partition) it belongs to.
    public var day: PartitionDay
    /// Its row id.
    public var blockID: Int64
    /// The retention run that moved it.
    public var runID: Int64
    /// Events in it.
    public var eventCount: Int64
    /// Bytes of its payload online.
    public var onlineBytes: Int64
    /// Bytes of its payload in the archive.
    public var archivedBytes: Int64
    /// SHA-256 of the online payload (what the block hash covers).
    public var payloadDigest: [UInt8]
    /// SHA-256 of the payload stored in the archive.
    public var archivedDigest: [UInt8]

    /// A record from its fields.
    public init(
        sequence: Int64, day: PartitionDay, blockID: Int64, runID: Int64, eventCount: Int64, onlineBytes: Int64,
        archivedBytes: Int64, payloadDigest: [UInt8], archivedDigest: [UInt8]
    ) {
        self.sequence = sequence
        self.day = day
        self.blockID = blockID
        self.runID = runID
        self.eventCount = eventCount
        self.onlineBytes = onlineBytes
        self.archivedBytes = archivedBytes
        self.payloadDigest = payloadDigest
        self.archivedDigest = archivedDigest
    }
}
