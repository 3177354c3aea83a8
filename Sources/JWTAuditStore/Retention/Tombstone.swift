/// What remains of a block deleted by retention: its header (with the digests of its key filter
/// and payload as they were stored), its previous hash and its hash. In the chain it stands in
/// for the block, so `verify` still walks every sequence number and rebuilds every Merkle root.
public struct Tombstone: Sendable, Hashable {
    /// The deleted block's header; `header.sequence` and `header.day` say where it was.
    public var header: BlockHeader
    /// Its row id in its partition.
    public var blockID: Int64
    /// Its stored `prev_hash`.
    public var previousHash: [UInt8]
    /// Its stored `hash`.
    public var hash: [UInt8]
    /// When the retention run deleted it (µs).
    public var deletedAt: Int64
    /// Id of that run in `retention_runs`.
    public var runID: Int64
}
