/// A stored block's metadata, as the retention job reads it (never its events).
public struct BlockSummary: Sendable {
    /// The partition holding it.
    public var day: PartitionDay
    /// Its row id there.
    public var id: Int64
    /// Its place in the hash chain; nil while unsealed.
    public var sequence: Int64?
    /// Whether it is sealed.
    public var sealed: Bool
    /// Earliest and latest `ts` (µs).
    public var minTimestamp: Int64
    public var maxTimestamp: Int64
    /// Events in it.
    public var eventCount: Int64
    /// Bytes of its key filter and payload.
    public var bytes: Int64
    /// Its serialized key filter (``JWTAuditBlocks/BlockKeyFilter``).
    public var keys: [UInt8]
}
