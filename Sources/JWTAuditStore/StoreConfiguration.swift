/// How the writer shapes blocks.
public struct StoreConfiguration: Sendable, Hashable {
    /// Unsealed events of a partition are sealed into full blocks once this many have gathered.
    /// Default 8,192. A group commit at least this large is written as a sealed block at once
    /// (smaller ones are encoded twice: unsealed, then sealed); below saturation this is the
    /// size of most blocks.
    public var sealThreshold: Int = 8_192
    /// Most events in one block. Default 16,384: large blocks let the codec share each token's
    /// claims and each subject's identifiers across more of its events (bytes per event) and
    /// spread per-block costs thinner; a search decodes a 16k block in about 20 ms.
    public var maxBlockEvents: Int = 16_384
    /// Unsealed events older than this many seconds are sealed even when few. Default 30.
    public var sealAfterSeconds: Int = 30
    /// zlib level of block data. Default 6.
    public var compressionLevel: Int32 = 6
    /// Bloom filter size per distinct key. Default 8 bits (about 2% false positives).
    public var bloomBitsPerKey: Int = 8

    public init() {}
}
