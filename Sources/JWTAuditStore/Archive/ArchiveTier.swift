import Dispatch
import Glibc
import JWTAuditBlocks
import JWTAuditCrypto
import JWTAuditModel

/// The archive tier (docs/storage.md): one SQLite file per day in `DATA/archive/`, written only by
/// the retention job, holding blocks past their online period (their bytes as they were online, or
/// recompressed with ``BlockRecompressor`` when a level is given), with the day's rollups. Search and statistics read it beside the online
/// partitions. Every method works on connections of its own; the event writer never opens these files.
public struct ArchiveTier {
    /// What ``archive(_:blockIDs:copyRollups:runID:level:)`` moved, so that it can be undone.
    public struct Move: Sendable {
        /// The day moved.
        public var day: PartitionDay
        /// The blocks written to the archive.
        public var blocks: [ArchivedBlock]
        /// The online partition as it was read.
        public var snapshot: PartitionSnapshot
        /// Rollup rows added to the archive file.
        var rollups: [RollupRow]
        /// Whether the archive file was created by this move.
        var createdFile: Bool
    }

    /// The data folder.
    public let directory: DataDirectory
    /// Blocks read, checked and inserted at a time (bounds memory on large days).
    var chunkBlocks = 32
    /// Whether blocks are checked (and recompressed) on every core (by hand) or on the calling thread only (in the
    /// daemon, where the job runs at a lower priority than the writer thread).
    public var parallel = true

    /// The archive tier of `directory`.
    public init(directory: DataDirectory) {
        self.directory = directory
    }

    // MARK: - Moving blocks in

    /// Copies the sealed blocks `blockIDs` of `day`'s online partition into the day's archive file,
    /// byte for byte (or recompressed at `level`, when given), in one transaction. With `copyRollups` the partition's rollups are
    /// added to the archive's as they are (every event of the day moves); otherwise the rollups of
    /// the moved events are counted from them. The partition is read in one read transaction, so
    /// the returned snapshot matches what was copied. The online partition is not changed.
    ///
    /// A block whose stored bytes no longer match its hash is refused (archiving would attest
    /// damaged bytes): nothing is written and the error names it.
    public func archive(
        _ day: PartitionDay, blockIDs: Set<Int64>, copyRollups: Bool, runID: Int64,
        level: Int32? = nil
    ) throws -> Move {
        guard let source = try PartitionReader.open(directory, day) else {
            throw IntegrityError("partition \(day.name) is not there")
        }
        try FileSystem.makeDirectory(directory.archivePath, mode: 0o700)
        let path = directory.archivePath(day)
        let created = !FileSystem.exists(path)
        let target = try Self.openForWriting(path)
        var move = Move(
            day: day, blocks: [], snapshot: PartitionSnapshot(blocks: 0, maxBlockID: 0), rollups: [],
            createdFile: created)
        do {
            try source.transaction(immediate: false) {
                move.snapshot = try PartitionSnapshot.read(source)
                let statement = try source.prepare(
                    """
                    SELECT id, seq, min_ts, max_ts, min_received, max_received, event_count, format, prev_hash, hash,
                        keys, data
                    FROM blocks WHERE seq IS NOT NULL ORDER BY id
                    """)
                let insert = try target.prepare(ArchiveSchema.insertBlock)
                var counted: [RollupRow] = []
                try target.transaction {
                    var chunk: [SourceRow] = []
                    func flush() throws {
                        let converted = try Self.convert(
                            chunk, countRollups: !copyRollups, level: level, parallel: parallel)
                        for (row, result) in zip(chunk, converted) {
                            try Self.insert(row, result, runID: runID, into: insert)
                            move.blocks.append(
                                ArchivedBlock(
                                    sequence: row.header.sequence, day: day, blockID: row.id, runID: runID,
                                    eventCount: row.header.eventCount, onlineBytes: Int64(row.data.count),
                                    archivedBytes: Int64(result.data.count), payloadDigest: row.header.payloadDigest,
                                    archivedDigest: result.digest))
                            counted += result.rollups
                        }
                        chunk.removeAll(keepingCapacity: true)
                    }
                    while try statement.step() {
                        let id = statement.int64(0)
                        guard blockIDs.contains(id) else { continue }
                        chunk.append(SourceRow(statement, day: day))
                        if chunk.count >= chunkBlocks { try flush() }
                    }
                    try flush()
                    move.rollups = copyRollups ? try RollupRow.all(source) : Self.merged(counted)
                    try RollupRow.add(move.rollups, sign: 1, to: target)
                }
            }
        } catch {
            if created { Self.remove(path) }
            throw error
        }
        return move
    }

    /// Takes a move back out of the archive (the online partition changed before it could be
    /// removed): deletes the blocks it wrote and its rollups, and the file if the move created it.
    public func undo(_ move: Move) throws {
        let path = directory.archivePath(move.day)
        if move.createdFile {
            Self.remove(path)
            return
        }
        let connection = try Self.openForWriting(path)
        let delete = try connection.prepare("DELETE FROM blocks WHERE seq = ?")
        try connection.transaction {
            for block in move.blocks {
                delete.reset()
                delete.bind(1, block.sequence)
                _ = try delete.step()
            }
            try RollupRow.add(move.rollups, sign: -1, to: connection)
        }
    }

    // MARK: - Deleting archived blocks

    /// Every archived block of `day`, without its events.
    public func blocks(of day: PartitionDay) throws -> [BlockSummary] {
        guard let connection = try PartitionReader.openArchive(directory, day) else { return [] }
        let statement = try connection.prepare(
            """
            SELECT id, seq, min_ts, max_ts, event_count, length(keys) + length(data), keys
            FROM blocks ORDER BY id
            """)
        var blocks: [BlockSummary] = []
        while try statement.step() {
            blocks.append(
                BlockSummary(
                    day: day, id: statement.int64(0), sequence: statement.int64(1), sealed: true,
                    minTimestamp: statement.int64(2), maxTimestamp: statement.int64(3),
                    eventCount: statement.int64(4), bytes: statement.int64(5), keys: statement.blob(6)))
        }
        return blocks
    }

    /// Deletes the archived blocks `ids` of `day` after recording their tombstones in `ledger`
    /// (with the online payload digest their hash covers), takes their events out of the day's
    /// rollups, and returns the freed pages (VACUUM; the writer never waits on archive files).
    /// When no block is left the file is removed. Returns the bytes returned.
    @discardableResult
    public func delete(_ ids: Set<Int64>, of day: PartitionDay, run: Int64, now: Int64, ledger: RetentionLedger)
        throws -> Int64
    {
        guard !ids.isEmpty else { return 0 }
        let path = directory.archivePath(day)
        let before = directory.archiveBytes(day) + FileSystem.size(path + "-shm")
        let scan = try Self.scan(directory, day)
        let doomed = scan.filter { ids.contains($0.block.id) }
        try ledger.record(
            doomed.map {
                Tombstone(
                    header: $0.block.header, blockID: $0.block.id, previousHash: $0.block.storedPrevious,
                    hash: $0.block.storedHash, deletedAt: now, runID: run)
            })
        if doomed.count == scan.count {
            Self.remove(path)
            try FileSystem.syncDirectory(directory.archivePath)
            return before
        }
        let connection = try Self.openForWriting(path)
        let select = try connection.prepare("SELECT data FROM blocks WHERE id = ?")
        let delete = try connection.prepare("DELETE FROM blocks WHERE id = ?")
        try connection.transaction {
            var rollups: [RollupRow] = []
            for block in doomed {
                select.reset()
                select.bind(1, block.block.id)
                guard try select.step() else { continue }
                rollups += RollupRow.counting(try select.withBlob(0) { try BlockCodec.decode($0) })
                delete.reset()
                delete.bind(1, block.block.id)
                _ = try delete.step()
            }
            try RollupRow.add(Self.merged(rollups), sign: -1, to: connection)
        }
        try connection.execute("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);")
        return max(0, before - directory.archiveBytes(day) - FileSystem.size(path + "-shm"))
    }

    // MARK: - Reading for verification

    /// An archived block as the verifier sees it: the chained block (its header carrying the online
    /// payload digest its hash covers) and the SHA-256 of the bytes stored now.
    struct ScannedBlock: Sendable {
        var block: StoredBlock
        var archivedDigest: [UInt8]
        var runID: Int64
    }

    /// The archived blocks of `day`, hashing key filters and stored payloads.
    static func scan(_ directory: DataDirectory, _ day: PartitionDay) throws -> [ScannedBlock] {
        guard let connection = try PartitionReader.openArchive(directory, day) else { return [] }
        let statement = try connection.prepare(
            """
            SELECT id, seq, min_ts, max_ts, min_received, max_received, event_count, format, prev_hash, hash,
                payload_digest, run_id, keys, data
            FROM blocks
            """)
        var blocks: [ScannedBlock] = []
        while try statement.step() {
            let header = BlockHeader(
                sequence: statement.int64(1), day: day, minTimestamp: statement.int64(2),
                maxTimestamp: statement.int64(3), minReceived: statement.int64(4), maxReceived: statement.int64(5),
                eventCount: statement.int64(6), format: statement.int64(7),
                keysDigest: statement.withBlob(12) { SHA256.hash($0) }, payloadDigest: statement.blob(10))
            blocks.append(
                ScannedBlock(
                    block: StoredBlock(
                        day: day, id: statement.int64(0), header: header, storedPrevious: statement.blob(8),
                        storedHash: statement.blob(9)),
                    archivedDigest: statement.withBlob(13) { SHA256.hash($0) }, runID: statement.int64(11)))
        }
        return blocks
    }

    // MARK: - Helpers

    /// A block read from the online partition.
    struct SourceRow {
        var id: Int64
        var header: BlockHeader
        var previousHash: [UInt8]
        var hash: [UInt8]
        var keys: [UInt8]
        var data: [UInt8]

        init(_ statement: SQLiteStatement, day: PartitionDay) {
            id = statement.int64(0)
            keys = statement.blob(10)
            data = statement.blob(11)
            previousHash = statement.blob(8)
            hash = statement.blob(9)
            header = BlockHeader(
                sequence: statement.int64(1), day: day, minTimestamp: statement.int64(2),
                maxTimestamp: statement.int64(3), minReceived: statement.int64(4), maxReceived: statement.int64(5),
                eventCount: statement.int64(6), format: statement.int64(7), keysDigest: SHA256.hash(keys),
                payloadDigest: SHA256.hash(data))
        }
    }

    /// A block as it goes into the archive, with its digest and (when asked) its events' rollups.
    struct Converted: Sendable {
        var data: [UInt8] = []
        var digest: [UInt8] = []
        var rollups: [RollupRow] = []
        var failure: String?
    }

    /// Checks `rows` against their hashes and, with a `level`, recompresses them; on every core.
    static func convert(_ rows: [SourceRow], countRollups: Bool, level: Int32?, parallel: Bool) throws -> [Converted] {
        var results = [Converted](repeating: Converted(), count: rows.count)
        results.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let output = output
            let each: @Sendable (Int) -> Void = { index in
                let row = rows[index]
                guard row.header.hash(previous: row.previousHash) == row.hash else {
                    output[index].failure =
                        "block \(row.header.sequence) (partition \(row.header.day.name), row id \(row.id)) does not "
                        + "match its hash; nothing is archived (run jwtaudit verify)"
                    return
                }
                do {
                    if let level {
                        let data = try BlockRecompressor.recompress(row.data, level: level)
                        output[index].data = data
                        output[index].digest = SHA256.hash(data)
                    } else {
                        output[index].data = row.data
                        output[index].digest = row.header.payloadDigest
                    }
                    if countRollups { output[index].rollups = RollupRow.counting(try BlockCodec.decode(row.data)) }
                } catch {
                    output[index].failure = "block \(row.header.sequence) cannot be recompressed: \(error)"
                }
            }
            if parallel {
                DispatchQueue.concurrentPerform(iterations: rows.count, execute: each)
            } else {
                for index in rows.indices { each(index) }
            }
        }
        if let failure = results.lazy.compactMap(\.failure).first { throw IntegrityError(failure) }
        return results
    }

    static func insert(_ row: SourceRow, _ converted: Converted, runID: Int64, into insert: SQLiteStatement) throws {
        insert.reset()
        insert.bind(1, row.id)
        insert.bind(2, row.header.minTimestamp)
        insert.bind(3, row.header.maxTimestamp)
        insert.bind(4, row.header.minReceived)
        insert.bind(5, row.header.maxReceived)
        insert.bind(6, row.header.eventCount)
        insert.bind(7, row.header.format)
        insert.bind(8, row.header.sequence)
        insert.bind(9, row.previousHash)
        insert.bind(10, row.hash)
        insert.bind(11, row.header.payloadDigest)
        insert.bind(12, runID)
        insert.bind(13, row.keys)
        insert.bind(14, converted.data)
        _ = try insert.step()
    }

    static func merged(_ rows: [RollupRow]) -> [RollupRow] {
        var counts: [RollupRow: Int64] = [:]
        for var row in rows {
            let events = row.events
            row.events = 0
            counts[row, default: 0] += events
        }
        return counts.map { row, events in
            var row = row
            row.events = events
            return row
        }
    }

    static func openForWriting(_ path: String) throws -> SQLiteConnection {
        let connection = try SQLiteConnection(path: path)
        try connection.execute(ArchiveSchema.pragmas)
        try connection.execute(ArchiveSchema.create)
        return connection
    }

    /// Removes an archive file with its WAL and shared-memory files.
    static func remove(_ path: String) {
        for file in [path, path + "-wal", path + "-shm"] { unlink(file) }
    }
}
