import JWTAuditCrypto

/// A chained block as stored: where it is, the header its hash covers (digests computed from the
/// stored bytes) and the chain columns as stored.
struct StoredBlock: Sendable {
    var day: PartitionDay
    var id: Int64
    var header: BlockHeader
    var storedPrevious: [UInt8]
    var storedHash: [UInt8]

    /// The blocks of one partition, and what it holds outside the chain.
    struct PartitionScan: Sendable {
        var blocks: [StoredBlock] = []
        /// Events in unsealed blocks (not yet chained).
        var unsealedEvents: Int64 = 0
        /// Ids of rows marked sealed that have no place in the chain.
        var unchainedSealedIDs: [Int64] = []
    }

    /// Reads every block of `day`'s partition, hashing key filters and payloads (not decoding them).
    static func scan(_ directory: DataDirectory, _ day: PartitionDay) throws -> PartitionScan {
        guard let connection = try PartitionReader.open(directory, day) else { return PartitionScan() }
        try requireChainColumns(connection, day)
        let statement = try connection.prepare(
            """
            SELECT id, sealed, seq, min_ts, max_ts, min_received, max_received, event_count, format, prev_hash, hash,
                keys, data
            FROM blocks
            """)
        var scan = PartitionScan()
        while try statement.step() {
            let id = statement.int64(0)
            if statement.isNull(2) {
                if statement.int64(1) == 0 {
                    scan.unsealedEvents += statement.int64(7)
                } else {
                    scan.unchainedSealedIDs.append(id)
                }
                continue
            }
            let header = BlockHeader(
                sequence: statement.int64(2), day: day, minTimestamp: statement.int64(3),
                maxTimestamp: statement.int64(4), minReceived: statement.int64(5), maxReceived: statement.int64(6),
                eventCount: statement.int64(7), format: statement.int64(8),
                keysDigest: statement.withBlob(11) { SHA256.hash($0) },
                payloadDigest: statement.withBlob(12) { SHA256.hash($0) })
            scan.blocks.append(
                StoredBlock(
                    day: day, id: id, header: header, storedPrevious: statement.blob(9),
                    storedHash: statement.blob(10)))
        }
        return scan
    }

    /// Refuses a partition written before the hash chain existed (the daemon chains it at start).
    static func requireChainColumns(_ connection: SQLiteConnection, _ day: PartitionDay) throws {
        let columns = try connection.scalarInt("SELECT count(*) FROM pragma_table_info('blocks') WHERE name = 'seq'")
        guard columns == 1 else {
            throw IntegrityError(
                "partition \(day.name) predates the hash chain: start the daemon once (it chains older blocks), "
                    + "then verify again")
        }
    }
}
