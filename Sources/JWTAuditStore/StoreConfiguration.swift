/// How the writer shapes blocks.
public struct StoreConfiguration: Sendable, Hashable {
    /// Unsealed events of a partition are sealed into full blocks once this many have gathered.
    /// Default 1,024. A group commit at least this large is written as a sealed block at once.
    public var sealThreshold: Int = 1_024
    /// Most events in one block. Default 4,096.
    public var maxBlockEvents: Int = 4_096
    /// Unsealed events older than this many seconds are sealed even when few. Default 30.
    public var sealAfterSeconds: Int = 30
    /// zlib level of block data. Default 6.
    public var compressionLevel: Int32 = 6
    /// Bloom filter size per distinct key. Default 8 bits (about 2% false positives).
    public var bloomBitsPerKey: Int = 8

    public init() {}
}
