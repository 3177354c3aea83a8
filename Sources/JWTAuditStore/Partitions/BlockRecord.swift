import JWTAuditBlocks
import JWTAuditModel

/// A block ready to be inserted: its encoded events, key filter and ranges.
struct BlockRecord {
    var id: Int64
    var sealed: Bool
    var minTimestamp: Int64
    var maxTimestamp: Int64
    var minReceived: Int64
    var maxReceived: Int64
    var eventCount: Int
    var keys: [UInt8]
    var data: [UInt8]

    init(id: Int64, sealed: Bool, events: ArraySlice<AuditEvent>, configuration: StoreConfiguration) {
        precondition(!events.isEmpty, "a block holds at least one event")
        let array = Array(events)
        self.id = id
        self.sealed = sealed
        var minTs = Int64.max, maxTs = Int64.min, minRx = Int64.max, maxRx = Int64.min
        for event in array {
            minTs = min(minTs, event.timestamp)
            maxTs = max(maxTs, event.timestamp)
            minRx = min(minRx, event.receivedAt)
            maxRx = max(maxRx, event.receivedAt)
        }
        minTimestamp = minTs
        maxTimestamp = maxTs
        minReceived = minRx
        maxReceived = maxRx
        eventCount = array.count
        keys = BlockKeyFilter(events: array, bitsPerKey: configuration.bloomBitsPerKey).serialized
        data = BlockCodec.encode(array, level: configuration.compressionLevel)
    }
}
