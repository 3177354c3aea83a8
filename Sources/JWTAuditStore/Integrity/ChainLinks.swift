/// Links of the hash chain kept outside the online partitions: blocks in the archive tier,
/// tombstones of deleted blocks, and retention run records. The writer resumes its chain head over
/// them, and the checkpointer reads them like partition blocks.
enum ChainLinks {
    /// One link: a place in the chain, its previous hash and hash.
    struct Link {
        var sequence: Int64
        var previous: [UInt8]
        var hash: [UInt8]
    }

    /// Every such link with a sequence number above `after`.
    static func outsidePartitions(_ directory: DataDirectory, after: Int64) throws -> [Link] {
        var links: [Link] = []
        for day in try directory.archiveDays() {
            guard let connection = try PartitionReader.openArchive(directory, day) else { continue }
            let statement = try connection.prepare("SELECT seq, prev_hash, hash FROM blocks WHERE seq > ?")
            statement.bind(1, after)
            while try statement.step() {
                links.append(Link(sequence: statement.int64(0), previous: statement.blob(1), hash: statement.blob(2)))
            }
        }
        for tombstone in try RetentionLedger(directory: directory, readOnly: true).tombstones()
        where tombstone.header.sequence > after {
            links.append(Link(sequence: tombstone.header.sequence, previous: tombstone.previousHash, hash: tombstone.hash))
        }
        for record in try RetentionRecords(directory: directory, readOnly: true).records() where record.sequence > after {
            links.append(Link(sequence: record.sequence, previous: record.previousHash, hash: record.hash))
        }
        return links
    }

    /// The highest block row id in the archive tier, or 0.
    static func maxArchivedBlockID(_ directory: DataDirectory) throws -> Int64 {
        var maxID: Int64 = 0
        for day in try directory.archiveDays() {
            guard let connection = try PartitionReader.openArchive(directory, day) else { continue }
            maxID = max(maxID, try connection.scalarInt("SELECT coalesce(max(id), 0) FROM blocks") ?? 0)
        }
        return maxID
    }
}
