import JWTAuditCrypto

/// What puts retention runs into the hash chain (docs/integrity.md), in `meta.sqlite`:
/// `archived_blocks` (per block moved to the archive tier: its online and archived payload
/// digests) and `retention_records` (per run: its archive counts and its place in the chain).
///
/// A run's record is chained like a block: its header's payload digest is ``digest(of:)`` over the
/// run's row in `retention_runs`, its archive counts, its tombstones and its archived blocks, so
/// editing or deleting any of them, or the record itself, breaks the chain at the record.
public final class RetentionRecords {
    /// A run's chained record.
    public struct Record: Sendable, Hashable {
        /// The record's place in the chain.
        public var sequence: Int64
        /// The run it records.
        public var runID: Int64
        /// When it was chained (µs).
        public var recordedAt: Int64
        /// The archive side of the run's counts.
        public var archive: ArchiveCounts
        /// The digest chained (as the header's payload digest), as stored.
        public var digest: [UInt8]
        /// Its stored `prev_hash` and `hash`.
        public var previousHash: [UInt8]
        public var hash: [UInt8]

        /// A record from its fields.
        public init(
            sequence: Int64, runID: Int64, recordedAt: Int64, archive: ArchiveCounts, digest: [UInt8],
            previousHash: [UInt8], hash: [UInt8]
        ) {
            self.sequence = sequence
            self.runID = runID
            self.recordedAt = recordedAt
            self.archive = archive
            self.digest = digest
            self.previousHash = previousHash
            self.hash = hash
        }
    }

    /// What a run moved to the archive tier.
    public struct ArchiveCounts: Sendable, Hashable {
        /// Blocks moved.
        public var blocks: Int64 = 0
        /// Events in them.
        public var events: Int64 = 0
        /// Their payload bytes online, and in the archive.
        public var bytesBefore: Int64 = 0
        public var bytesAfter: Int64 = 0
        /// Days whose online partition was removed (every block archived or deleted).
        public var partitions: Int64 = 0
        /// Days left online for the next run because the writer wrote to them meanwhile.
        public var deferred: Int64 = 0

        /// No counts.
        public init() {}
    }

    /// The `format` of a run record's header: never a block codec version.
    public static let recordFormat: Int64 = 0x5254_0001

    private let connection: SQLiteConnection
    private let hasTables: Bool

    static let schema = """
        CREATE TABLE IF NOT EXISTS archived_blocks (
            seq INTEGER PRIMARY KEY,
            day INTEGER NOT NULL,
            block_id INTEGER NOT NULL,
            run_id INTEGER NOT NULL,
            event_count INTEGER NOT NULL,
            online_bytes INTEGER NOT NULL,
            archived_bytes INTEGER NOT NULL,
            payload_digest BLOB NOT NULL,
            archived_digest BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS retention_records (
            seq INTEGER PRIMARY KEY,
            run_id INTEGER NOT NULL UNIQUE,
            recorded_at INTEGER NOT NULL,
            blocks_archived INTEGER NOT NULL,
            events_archived INTEGER NOT NULL,
            archived_bytes_before INTEGER NOT NULL,
            archived_bytes_after INTEGER NOT NULL,
            partitions_archived INTEGER NOT NULL,
            days_deferred INTEGER NOT NULL,
            digest BLOB NOT NULL,
            prev_hash BLOB NOT NULL,
            hash BLOB NOT NULL
        );
        """

    /// Opens the tables in `directory`'s `meta.sqlite`, creating them unless `readOnly`.
    public init(directory: DataDirectory, readOnly: Bool = false) throws {
        (connection, hasTables) = try MetaTables.open(
            directory, readOnly: readOnly, schema: Self.schema, tables: ["archived_blocks", "retention_records"])
    }

    // MARK: - Archived blocks

    /// Records blocks moved to the archive (before their online partition is removed). A block
    /// moved again (a late partition) keeps its first record if the digests agree, else is replaced.
    public func recordArchived(_ blocks: [ArchivedBlock]) throws {
        let insert = try connection.prepare(
            """
            INSERT OR REPLACE INTO archived_blocks (seq, day, block_id, run_id, event_count, online_bytes,
                archived_bytes, payload_digest, archived_digest)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try connection.transaction {
            for block in blocks {
                insert.reset()
                insert.bind(1, block.sequence)
                insert.bind(2, block.day.daysSinceEpoch)
                insert.bind(3, block.blockID)
                insert.bind(4, block.runID)
                insert.bind(5, block.eventCount)
                insert.bind(6, block.onlineBytes)
                insert.bind(7, block.archivedBytes)
                insert.bind(8, block.payloadDigest)
                insert.bind(9, block.archivedDigest)
                _ = try insert.step()
            }
        }
    }

    /// Forgets archive records of `blocks` (their move was undone).
    public func removeArchived(_ blocks: [ArchivedBlock]) throws {
        let delete = try connection.prepare("DELETE FROM archived_blocks WHERE seq = ? AND run_id = ?")
        try connection.transaction {
            for block in blocks {
                delete.reset()
                delete.bind(1, block.sequence)
                delete.bind(2, block.runID)
                _ = try delete.step()
            }
        }
    }

    /// Every archive record, by sequence number.
    public func archived() throws -> [Int64: ArchivedBlock] {
        guard hasTables else { return [:] }
        let statement = try connection.prepare(
            """
            SELECT seq, day, block_id, run_id, event_count, online_bytes, archived_bytes, payload_digest,
                archived_digest
            FROM archived_blocks
            """)
        var blocks: [Int64: ArchivedBlock] = [:]
        while try statement.step() {
            blocks[statement.int64(0)] = ArchivedBlock(
                sequence: statement.int64(0), day: PartitionDay(daysSinceEpoch: statement.int64(1)),
                blockID: statement.int64(2), runID: statement.int64(3), eventCount: statement.int64(4),
                onlineBytes: statement.int64(5), archivedBytes: statement.int64(6), payloadDigest: statement.blob(7),
                archivedDigest: statement.blob(8))
        }
        return blocks
    }

    // MARK: - Run records

    /// Every chained run record, in sequence order.
    public func records() throws -> [Record] {
        guard hasTables else { return [] }
        let statement = try connection.prepare(
            """
            SELECT seq, run_id, recorded_at, blocks_archived, events_archived, archived_bytes_before,
                archived_bytes_after, partitions_archived, days_deferred, digest, prev_hash, hash
            FROM retention_records ORDER BY seq
            """)
        var records: [Record] = []
        while try statement.step() {
            var counts = ArchiveCounts()
            counts.blocks = statement.int64(3)
            counts.events = statement.int64(4)
            counts.bytesBefore = statement.int64(5)
            counts.bytesAfter = statement.int64(6)
            counts.partitions = statement.int64(7)
            counts.deferred = statement.int64(8)
            records.append(
                Record(
                    sequence: statement.int64(0), runID: statement.int64(1), recordedAt: statement.int64(2),
                    archive: counts, digest: statement.blob(9), previousHash: statement.blob(10),
                    hash: statement.blob(11)))
        }
        return records
    }

    /// Stores a chained record (from within ``EventWriter/appendChainRecord(_:store:)``, which gives
    /// it its place in the chain).
    public func append(_ record: Record) throws {
        let insert = try connection.prepare(
            """
            INSERT INTO retention_records (seq, run_id, recorded_at, blocks_archived, events_archived,
                archived_bytes_before, archived_bytes_after, partitions_archived, days_deferred, digest, prev_hash,
                hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        insert.bind(1, record.sequence)
        insert.bind(2, record.runID)
        insert.bind(3, record.recordedAt)
        insert.bind(4, record.archive.blocks)
        insert.bind(5, record.archive.events)
        insert.bind(6, record.archive.bytesBefore)
        insert.bind(7, record.archive.bytesAfter)
        insert.bind(8, record.archive.partitions)
        insert.bind(9, record.archive.deferred)
        insert.bind(10, record.digest)
        insert.bind(11, record.previousHash)
        insert.bind(12, record.hash)
        try connection.transaction { _ = try insert.step() }
    }

    // MARK: - What is chained

    /// The header a run record is chained with: event count 0, format ``recordFormat``, the run's
    /// start and end as its time range, and `digest` as its payload digest.
    public static func header(sequence: Int64, run: RetentionRunRecord, recordedAt: Int64, digest: [UInt8])
        -> BlockHeader
    {
        BlockHeader(
            sequence: sequence, day: PartitionDay(containing: recordedAt), minTimestamp: run.startedAt,
            maxTimestamp: run.finishedAt ?? recordedAt, minReceived: recordedAt, maxReceived: recordedAt,
            eventCount: 0, format: recordFormat, keysDigest: SHA256.hash([UInt8]()), payloadDigest: digest)
    }

    /// The digest a run record chains: SHA-256 over a canonical text of the run's counts and holds,
    /// then every tombstone it left (sequence number and hash) and every block it archived
    /// (sequence number, online and archived payload digests), in sequence order.
    public static func digest(
        run: RetentionRunRecord, archive: ArchiveCounts, tombstones: [Tombstone], archived: [ArchivedBlock]
    ) -> [UInt8] {
        var text = """
            jwtaudit retention run v1
            id \(run.id)
            started \(run.startedAt)
            finished \(run.finishedAt ?? 0)
            policy \(run.policyFile)
            deleted \(run.blocksDeleted) blocks \(run.eventsDeleted) events
            dropped \(run.partitionsDropped) partitions \(run.bytesReturned) bytes
            archived \(archive.blocks) blocks \(archive.events) events \(archive.bytesBefore) -> \(archive.bytesAfter) \
            bytes \(archive.partitions) partitions \(archive.deferred) deferred
            holds \(run.holdsApplied.joined(separator: ","))

            """
        for tombstone in tombstones.sorted(by: { $0.header.sequence < $1.header.sequence }) {
            text += "tombstone \(tombstone.header.sequence) \(Hex.encode(tombstone.hash))\n"
        }
        for block in archived.sorted(by: { $0.sequence < $1.sequence }) {
            text += "archived \(block.sequence) \(Hex.encode(block.payloadDigest)) \(Hex.encode(block.archivedDigest))\n"
        }
        return SHA256.hash(Array(text.utf8))
    }
}
