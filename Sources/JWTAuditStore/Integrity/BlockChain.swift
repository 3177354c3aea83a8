/// The writer's end of the hash chain: the sequence number and hash of the last sealed block.
/// Records are linked from it before their transaction and the head moves only after the commit,
/// so a failed commit that is retried reuses the same sequence numbers.
final class BlockChain {
    /// The last sealed block's sequence number, 0 before the first.
    private(set) var sequence: Int64
    /// The last sealed block's hash, ``BlockHeader/genesisHash`` before the first.
    private(set) var hash: [UInt8]

    init(sequence: Int64 = 0, hash: [UInt8] = BlockHeader.genesisHash) {
        self.sequence = sequence
        self.hash = hash
    }

    /// Gives each sealed record the next sequence number, its previous hash and its hash; returns
    /// the head after them, for ``advance(to:)`` once they are committed.
    func link(_ records: inout [BlockRecord], day: PartitionDay) -> (sequence: Int64, hash: [UInt8]) {
        var head = (sequence: sequence, hash: hash)
        for index in records.indices where records[index].sealed {
            head = link(&records[index], day: day, after: head)
        }
        return head
    }

    /// Links one record after `head`.
    func link(
        _ record: inout BlockRecord, day: PartitionDay, after head: (sequence: Int64, hash: [UInt8])
    ) -> (sequence: Int64, hash: [UInt8]) {
        let header = record.header(sequence: head.sequence + 1, day: day)
        record.sequence = header.sequence
        record.previousHash = head.hash
        let hash = header.hash(previous: head.hash)
        record.hash = hash
        return (header.sequence, hash)
    }

    /// Moves the head once the linked records are committed.
    func advance(to head: (sequence: Int64, hash: [UInt8])) {
        sequence = head.sequence
        hash = head.hash
    }
}
