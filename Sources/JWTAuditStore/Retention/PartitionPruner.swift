import Glibc

/// Deletes stored blocks for the retention job, leaving a tombstone for each in `meta.sqlite`
/// first (so `verify` keeps passing if the job stops midway). Works on connections of its own,
/// one small transaction per partition, so a daemon writing beside it is never held up for long.
public struct PartitionPruner {
    /// The data folder.
    public let directory: DataDirectory

    /// A pruner of `directory`.
    public init(directory: DataDirectory) {
        self.directory = directory
    }

    /// Every block of `day`'s partition, without its events.
    public func blocks(of day: PartitionDay) throws -> [BlockSummary] {
        guard let connection = try PartitionReader.open(directory, day) else { return [] }
        let statement = try connection.prepare(
            """
            SELECT id, seq, sealed, min_ts, max_ts, event_count, length(keys) + length(data), keys
            FROM blocks ORDER BY id
            """)
        var blocks: [BlockSummary] = []
        while try statement.step() {
            blocks.append(
                BlockSummary(
                    day: day, id: statement.int64(0), sequence: statement.isNull(1) ? nil : statement.int64(1),
                    sealed: statement.int64(2) != 0, minTimestamp: statement.int64(3),
                    maxTimestamp: statement.int64(4), eventCount: statement.int64(5), bytes: statement.int64(6),
                    keys: statement.blob(7)))
        }
        return blocks
    }

    /// Deletes the sealed blocks `ids` of `day`'s partition after recording their tombstones in
    /// `ledger`, then, with `vacuum`, returns the freed pages to the file system (VACUUM; without it
    /// the file reuses them). Returns the bytes returned.
    @discardableResult
    public func delete(
        _ ids: [Int64], of day: PartitionDay, run: Int64, now: Int64, ledger: RetentionLedger, vacuum: Bool = true
    ) throws -> Int64 {
        guard !ids.isEmpty else { return 0 }
        let before = directory.partitionBytes(day)
        let wanted = Set(ids)
        let tombstones = try StoredBlock.scan(directory, day).blocks.filter { wanted.contains($0.id) }.map {
            Tombstone(
                header: $0.header, blockID: $0.id, previousHash: $0.storedPrevious, hash: $0.storedHash,
                deletedAt: now, runID: run)
        }
        try ledger.record(tombstones)
        let connection = try SQLiteConnection(path: directory.partitionPath(day), create: false)
        let delete = try connection.prepare("DELETE FROM blocks WHERE id = ? AND seq IS NOT NULL")
        try connection.transaction {
            for tombstone in tombstones {
                delete.bind(1, tombstone.blockID)
                try delete.step()
                delete.reset()
            }
        }
        guard vacuum else { return 0 }
        try connection.execute("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
        return max(0, before - directory.partitionBytes(day))
    }

    /// Records the tombstones of the sealed blocks `ids` of `day`'s partition, before the partition
    /// is removed; returns the partition's snapshot, read before the blocks.
    public func recordTombstones(_ ids: Set<Int64>, of day: PartitionDay, run: Int64, now: Int64, ledger: RetentionLedger)
        throws -> PartitionSnapshot
    {
        let snapshot = try self.snapshot(day)
        let tombstones = try StoredBlock.scan(directory, day).blocks.filter { ids.contains($0.id) }.map {
            Tombstone(
                header: $0.header, blockID: $0.id, previousHash: $0.storedPrevious, hash: $0.storedHash,
                deletedAt: now, runID: run)
        }
        try ledger.record(tombstones)
        return snapshot
    }

    /// How many block rows `day`'s partition holds and its highest row id.
    public func snapshot(_ day: PartitionDay) throws -> PartitionSnapshot {
        guard let connection = try PartitionReader.open(directory, day) else {
            return PartitionSnapshot(blocks: 0, maxBlockID: 0)
        }
        return try PartitionSnapshot.read(connection)
    }

    /// Removes `day`'s whole partition file after recording a tombstone for every block in it.
    /// The caller has checked that every block is sealed and due for deletion. Returns the bytes returned.
    @discardableResult
    public func drop(_ day: PartitionDay, run: Int64, now: Int64, ledger: RetentionLedger) throws -> Int64 {
        let scan = try StoredBlock.scan(directory, day)
        guard scan.unsealedEvents == 0, scan.unchainedSealedIDs.isEmpty else {
            throw IntegrityError("partition \(day.name) holds blocks outside the chain; it is not dropped")
        }
        try ledger.record(
            scan.blocks.map {
                Tombstone(
                    header: $0.header, blockID: $0.id, previousHash: $0.storedPrevious, hash: $0.storedHash,
                    deletedAt: now, runID: run)
            })
        let bytes = bytesOnDisk(day)
        let base = directory.partitionPath(day)
        for path in [base, base + "-wal", base + "-shm"] where FileSystem.exists(path) {
            guard unlink(path) == 0 else {
                throw IntegrityError("cannot remove \(path): \(FileSystem.errnoText())")
            }
        }
        try FileSystem.syncDirectory(directory.partitionsPath)
        return bytes
    }

    /// Bytes on disk of `day`'s partition: the database, its WAL and its shared-memory file.
    public func bytesOnDisk(_ day: PartitionDay) -> Int64 {
        directory.partitionBytes(day) + FileSystem.size(directory.partitionPath(day) + "-shm")
    }

    /// Takes the data folder's daemon lock without waiting; nil when a daemon holds it. The lock
    /// lasts until the returned descriptor is closed (`close`).
    public func tryLockDaemon() throws -> Int32? {
        try FileSystem.tryLockDaemon(directory)
    }
}
