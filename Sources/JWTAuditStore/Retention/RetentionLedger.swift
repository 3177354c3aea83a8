/// The retention job's records in `meta.sqlite`: the tombstones of deleted blocks (`tombstones`)
/// and every run (`retention_runs`). Opened on a connection of its own, in WAL mode.
public final class RetentionLedger {
    private let connection: SQLiteConnection
    private let hasTables: Bool

    static let schema = """
        CREATE TABLE IF NOT EXISTS tombstones (
            seq INTEGER PRIMARY KEY,
            day INTEGER NOT NULL,
            block_id INTEGER NOT NULL,
            min_ts INTEGER NOT NULL,
            max_ts INTEGER NOT NULL,
            min_received INTEGER NOT NULL,
            max_received INTEGER NOT NULL,
            event_count INTEGER NOT NULL,
            format INTEGER NOT NULL,
            keys_digest BLOB NOT NULL,
            payload_digest BLOB NOT NULL,
            prev_hash BLOB NOT NULL,
            hash BLOB NOT NULL,
            deleted_at INTEGER NOT NULL,
            run_id INTEGER NOT NULL
        );
        CREATE TABLE IF NOT EXISTS retention_runs (
            id INTEGER PRIMARY KEY,
            started_at INTEGER NOT NULL,
            finished_at INTEGER,
            policy_file TEXT NOT NULL,
            blocks_deleted INTEGER NOT NULL DEFAULT 0,
            events_deleted INTEGER NOT NULL DEFAULT 0,
            partitions_dropped INTEGER NOT NULL DEFAULT 0,
            bytes_returned INTEGER NOT NULL DEFAULT 0,
            blocks_due_for_archive INTEGER NOT NULL DEFAULT 0,
            holds_applied TEXT NOT NULL DEFAULT ''
        );
        """

    /// Opens the tables in `directory`'s `meta.sqlite`, creating them unless `readOnly`. Read-only
    /// on a store without them, every list is empty.
    public init(directory: DataDirectory, readOnly: Bool = false) throws {
        (connection, hasTables) = try MetaTables.open(
            directory, readOnly: readOnly, schema: Self.schema, tables: ["tombstones", "retention_runs"])
    }

    /// Records that a run started; returns its id.
    public func begin(_ run: RetentionRunRecord) throws -> Int64 {
        let insert = try connection.prepare("INSERT INTO retention_runs (started_at, policy_file) VALUES (?, ?)")
        insert.bind(1, run.startedAt)
        insert.bind(2, run.policyFile)
        try connection.transaction { _ = try insert.step() }
        return connection.lastInsertRowID
    }

    /// Records a run's counts and end time.
    public func finish(_ run: RetentionRunRecord) throws {
        let update = try connection.prepare(
            """
            UPDATE retention_runs SET finished_at = ?, blocks_deleted = ?, events_deleted = ?, partitions_dropped = ?,
                bytes_returned = ?, blocks_due_for_archive = ?, holds_applied = ?
            WHERE id = ?
            """)
        update.bind(1, run.finishedAt)
        update.bind(2, run.blocksDeleted)
        update.bind(3, run.eventsDeleted)
        update.bind(4, run.partitionsDropped)
        update.bind(5, run.bytesReturned)
        update.bind(6, run.blocksDueForArchive)
        update.bind(7, run.holdsApplied.joined(separator: ","))
        update.bind(8, run.id)
        try connection.transaction { _ = try update.step() }
    }

    /// Every recorded run, oldest first.
    public func runs() throws -> [RetentionRunRecord] {
        guard hasTables else { return [] }
        let statement = try connection.prepare(
            """
            SELECT id, started_at, finished_at, policy_file, blocks_deleted, events_deleted, partitions_dropped,
                bytes_returned, blocks_due_for_archive, holds_applied
            FROM retention_runs ORDER BY id
            """)
        var runs: [RetentionRunRecord] = []
        while try statement.step() {
            var run = RetentionRunRecord(startedAt: statement.int64(1), policyFile: statement.text(3) ?? "")
            run.id = statement.int64(0)
            run.finishedAt = statement.isNull(2) ? nil : statement.int64(2)
            run.blocksDeleted = statement.int64(4)
            run.eventsDeleted = statement.int64(5)
            run.partitionsDropped = statement.int64(6)
            run.bytesReturned = statement.int64(7)
            run.blocksDueForArchive = statement.int64(8)
            let holds = statement.text(9) ?? ""
            run.holdsApplied = holds.isEmpty ? [] : holds.split(separator: ",").map(String.init)
            runs.append(run)
        }
        return runs
    }

    /// Records tombstones durably (before their blocks are deleted). A tombstone already recorded
    /// for the same sequence number is kept as it was.
    public func record(_ tombstones: [Tombstone]) throws {
        let insert = try connection.prepare(
            """
            INSERT OR IGNORE INTO tombstones (seq, day, block_id, min_ts, max_ts, min_received, max_received,
                event_count, format, keys_digest, payload_digest, prev_hash, hash, deleted_at, run_id)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        try connection.transaction {
            for tombstone in tombstones {
                let header = tombstone.header
                insert.bind(1, header.sequence)
                insert.bind(2, header.day.daysSinceEpoch)
                insert.bind(3, tombstone.blockID)
                insert.bind(4, header.minTimestamp)
                insert.bind(5, header.maxTimestamp)
                insert.bind(6, header.minReceived)
                insert.bind(7, header.maxReceived)
                insert.bind(8, header.eventCount)
                insert.bind(9, header.format)
                insert.bind(10, header.keysDigest)
                insert.bind(11, header.payloadDigest)
                insert.bind(12, tombstone.previousHash)
                insert.bind(13, tombstone.hash)
                insert.bind(14, tombstone.deletedAt)
                insert.bind(15, tombstone.runID)
                try insert.step()
                insert.reset()
            }
        }
    }

    /// Every tombstone, in sequence order.
    public func tombstones() throws -> [Tombstone] {
        try read("ORDER BY seq")
    }

    /// The tombstone with the highest sequence number, if any.
    public func newest() throws -> Tombstone? {
        try read("ORDER BY seq DESC LIMIT 1").first
    }

    private func read(_ order: String) throws -> [Tombstone] {
        guard hasTables else { return [] }
        let statement = try connection.prepare(
            """
            SELECT seq, day, block_id, min_ts, max_ts, min_received, max_received, event_count, format, keys_digest,
                payload_digest, prev_hash, hash, deleted_at, run_id
            FROM tombstones \(order)
            """)
        var tombstones: [Tombstone] = []
        while try statement.step() {
            let header = BlockHeader(
                sequence: statement.int64(0), day: PartitionDay(daysSinceEpoch: statement.int64(1)),
                minTimestamp: statement.int64(3), maxTimestamp: statement.int64(4), minReceived: statement.int64(5),
                maxReceived: statement.int64(6), eventCount: statement.int64(7), format: statement.int64(8),
                keysDigest: statement.blob(9), payloadDigest: statement.blob(10))
            tombstones.append(
                Tombstone(
                    header: header, blockID: statement.int64(2), previousHash: statement.blob(11),
                    hash: statement.blob(12), deletedAt: statement.int64(13), runID: statement.int64(14)))
        }
        return tombstones
    }
}
