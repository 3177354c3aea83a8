import Dispatch
import JWTAuditBlocks
import JWTAuditCrypto
import JWTAuditModel

/// A block ready to be inserted: its encoded events, key filter and ranges, and once linked
/// (sealed blocks only), its place in the hash chain.
struct BlockRecord {
    var id: Int64
    var sealed: Bool
    var minTimestamp: Int64
    var maxTimestamp: Int64
    var minReceived: Int64
    var maxReceived: Int64
    var eventCount: Int
    var keys: [UInt8] = []
    var data: [UInt8] = []
    /// SHA-256 of `keys` and of `data`, computed beside the encoding.
    var keysDigest: [UInt8] = []
    var payloadDigest: [UInt8] = []
    /// Set by ``BlockChain/link(_:day:)`` for sealed blocks.
    var sequence: Int64?
    var previousHash: [UInt8]?
    var hash: [UInt8]?

    private init(id: Int64, sealed: Bool, events: [AuditEvent]) {
        precondition(!events.isEmpty, "a block holds at least one event")
        self.id = id
        self.sealed = sealed
        var minTs = Int64.max, maxTs = Int64.min, minRx = Int64.max, maxRx = Int64.min
        for event in events {
            minTs = min(minTs, event.timestamp)
            maxTs = max(maxTs, event.timestamp)
            minRx = min(minRx, event.receivedAt)
            maxRx = max(maxRx, event.receivedAt)
        }
        minTimestamp = minTs
        maxTimestamp = maxTs
        minReceived = minRx
        maxReceived = maxRx
        eventCount = events.count
    }

    /// Splits `events` into blocks of at most `maxBlockEvents` (of even size) and encodes them,
    /// each block's data and key filter as separate tasks run in parallel on all cores.
    static func encode(
        _ events: [AuditEvent], sealed: Bool, configuration: StoreConfiguration, nextID: () -> Int64
    ) -> [BlockRecord] {
        guard !events.isEmpty else { return [] }
        let blockCount = (events.count + configuration.maxBlockEvents - 1) / configuration.maxBlockEvents
        let chunks: [[AuditEvent]]
        if blockCount == 1 {
            chunks = [events]
        } else {
            let size = (events.count + blockCount - 1) / blockCount
            chunks = stride(from: 0, to: events.count, by: size).map {
                Array(events[$0..<min($0 + size, events.count)])
            }
        }
        var records = chunks.map { BlockRecord(id: nextID(), sealed: sealed, events: $0) }
        let level = configuration.compressionLevel
        let bitsPerKey = configuration.bloomBitsPerKey
        records.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let output = output
            DispatchQueue.concurrentPerform(iterations: chunks.count * 2) { task in
                let chunk = chunks[task / 2]
                if task % 2 == 0 {
                    output[task / 2].data = BlockCodec.encode(chunk, level: level)
                    output[task / 2].payloadDigest = SHA256.hash(output[task / 2].data)
                } else {
                    output[task / 2].keys = BlockKeyFilter(events: chunk, bitsPerKey: bitsPerKey).serialized
                    output[task / 2].keysDigest = SHA256.hash(output[task / 2].keys)
                }
            }
        }
        return records
    }

    /// The header its hash covers, at chain position `sequence` in partition `day`.
    func header(sequence: Int64, day: PartitionDay) -> BlockHeader {
        BlockHeader(
            sequence: sequence, day: day, minTimestamp: minTimestamp, maxTimestamp: maxTimestamp,
            minReceived: minReceived, maxReceived: maxReceived, eventCount: Int64(eventCount),
            format: Int64(BlockCodec.formatVersion), keysDigest: keysDigest, payloadDigest: payloadDigest)
    }
}
