import JWTAuditCrypto

/// What a sealed block's hash covers besides the previous block's hash (docs/integrity.md):
///
///     hash = SHA-256( prev_hash                      32 bytes (zeros before block 1)
///                   | seq | day | min_ts | max_ts | min_received | max_received | event_count | format
///                                                    8 bytes each, big-endian two's complement
///                   | SHA-256(keys)                  32 bytes: the block's key filter
///                   | SHA-256(data) )                32 bytes: the compressed events, as stored
///
/// The payload enters only as its digest, so verification hashes compressed bytes without
/// decoding them, and a block deleted by retention can leave a tombstone holding this header
/// and its hash that still verifies.
public struct BlockHeader: Sendable, Hashable {
    /// The block's place in the chain: 1, 2, 3, … over all partitions, in seal order.
    public var sequence: Int64
    /// The partition (UTC day of `ts`) that holds it.
    public var day: PartitionDay
    /// Earliest `ts` in the block (µs).
    public var minTimestamp: Int64
    /// Latest `ts` in the block (µs).
    public var maxTimestamp: Int64
    /// Earliest `received_at` in the block (µs).
    public var minReceived: Int64
    /// Latest `received_at` in the block (µs).
    public var maxReceived: Int64
    /// Events in the block.
    public var eventCount: Int64
    /// The block codec's format version.
    public var format: Int64
    /// SHA-256 of the stored key filter (`keys`).
    public var keysDigest: [UInt8]
    /// SHA-256 of the stored compressed events (`data`).
    public var payloadDigest: [UInt8]

    /// The `prev_hash` of block 1: 32 zero bytes.
    public static let genesisHash = [UInt8](repeating: 0, count: SHA256.byteCount)

    /// A header from its fields.
    public init(
        sequence: Int64, day: PartitionDay, minTimestamp: Int64, maxTimestamp: Int64, minReceived: Int64,
        maxReceived: Int64, eventCount: Int64, format: Int64, keysDigest: [UInt8], payloadDigest: [UInt8]
    ) {
        self.sequence = sequence
        self.day = day
        self.minTimestamp = minTimestamp
        self.maxTimestamp = maxTimestamp
        self.minReceived = minReceived
        self.maxReceived = maxReceived
        self.eventCount = eventCount
        self.format = format
        self.keysDigest = keysDigest
        self.payloadDigest = payloadDigest
    }

    /// The block's hash when the block before it has hash `previous`.
    public func hash(previous: [UInt8]) -> [UInt8] {
        var input: [UInt8] = []
        input.reserveCapacity(32 + 8 * 8 + 64)
        input += previous
        for value in [
            sequence, day.daysSinceEpoch, minTimestamp, maxTimestamp, minReceived, maxReceived, eventCount, format,
        ] {
            withUnsafeBytes(of: UInt64(bitPattern: value).bigEndian) { input += $0 }
        }
        input += keysDigest
        input += payloadDigest
        return SHA256.hash(input)
    }
}
