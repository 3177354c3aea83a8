import JWTAuditCrypto

/// The newest block of the hash chain: its sequence number and hash (docs/integrity.md). Read from
/// the partitions and, when retention deleted the newest blocks, from the tombstones.
public struct ChainHead: Sendable, Hashable {
    /// Sequence number of the newest chained block; 0 for an empty chain.
    public var sequence: Int64
    /// Its hash; 32 zero bytes for an empty chain.
    public var hash: [UInt8]

    /// A head from its fields.
    public init(sequence: Int64, hash: [UInt8]) {
        self.sequence = sequence
        self.hash = hash
    }

    /// The head of `directory`'s chain.
    public static func read(_ directory: DataDirectory) throws -> ChainHead {
        var head = ChainHead(sequence: 0, hash: BlockHeader.genesisHash)
        for day in try directory.partitionDays() {
            guard let connection = try PartitionReader.open(directory, day) else { continue }
            let columns = try connection.scalarInt(
                "SELECT count(*) FROM pragma_table_info('blocks') WHERE name = 'seq'")
            guard columns == 1 else { continue }
            let statement = try connection.prepare(
                "SELECT seq, hash FROM blocks WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
            if try statement.step(), statement.int64(0) > head.sequence {
                head = ChainHead(sequence: statement.int64(0), hash: statement.blob(1))
            }
        }
        if let tombstone = try RetentionLedger(directory: directory, readOnly: true).newest(),
            tombstone.header.sequence > head.sequence
        {
            head = ChainHead(sequence: tombstone.header.sequence, hash: tombstone.hash)
        }
        return head
    }
}
