import JWTAuditBlocks
import JWTAuditCrypto
import JWTAuditModel

/// The writer's handle on one partition file: its connection, prepared statements and the
/// events of its unsealed blocks (kept decoded, so that sealing does not read them back).
final class PartitionWriter {
    let day: PartitionDay
    let connection: SQLiteConnection
    private let insertBlock: SQLiteStatement
    private let deleteBlock: SQLiteStatement
    private let upsertProducer: SQLiteStatement
    private let upsertRollup: SQLiteStatement
    private let upsertRejectionSource: SQLiteStatement
    private let upsertHourlyRollup: SQLiteStatement

    /// Events of the unsealed blocks, in write order.
    private(set) var pendingEvents: [AuditEvent] = []
    /// Ids of the unsealed blocks.
    private(set) var pendingBlockIDs: [Int64] = []
    /// Wall-clock time (µs) when the oldest unsealed block was written; blocks found unsealed
    /// at start count as due, so they are sealed at the first check.
    private(set) var pendingSince: Int64 = Int64.min / 2

    init(day: PartitionDay, path: String) throws {
        self.day = day
        let connection = try SQLiteConnection(path: path)
        try connection.execute(PartitionSchema.writerPragmas)
        let version = try connection.scalarInt("PRAGMA user_version") ?? 0
        let hadSources = try connection.scalarInt(
            "SELECT count(*) FROM sqlite_master WHERE name = 'rejection_sources'") == 1
        let hadHourly = try connection.scalarInt(
            "SELECT count(*) FROM sqlite_master WHERE name = 'hourly_rollups'") == 1
        // A current file needs no write: the daemon can open it (and serve reads) on a full disk.
        if version != PartitionSchema.version || !hadSources || !hadHourly {
            try connection.transaction {
                try connection.execute(PartitionSchema.create)
                if version == 1 { try connection.execute(PartitionSchema.migrateFromVersion1) }
                try connection.execute(PartitionSchema.finish)
                try connection.execute(RejectionSources.create)
                if !hadSources { try RejectionSources.backfill(connection) }
                try connection.execute(HourlyRollups.create)
                if !hadHourly { try connection.execute(HourlyRollups.backfill) }
            }
        }
        self.connection = connection
        insertBlock = try connection.prepare(PartitionSchema.insertBlock)
        deleteBlock = try connection.prepare(PartitionSchema.deleteBlock)
        upsertProducer = try connection.prepare(PartitionSchema.upsertProducer)
        upsertRollup = try connection.prepare(PartitionSchema.upsertRollup)
        upsertRejectionSource = try connection.prepare(RejectionSources.upsert)
        upsertHourlyRollup = try connection.prepare(HourlyRollups.upsert)
        try loadPendingBlocks()
    }

    /// Highest stored `seq` of each producer in this partition.
    func producerSequences() throws -> [String: Int64] {
        let statement = try connection.prepare("SELECT name, max_seq FROM producers")
        var result: [String: Int64] = [:]
        while try statement.step() {
            if let name = statement.text(0) { result[name] = statement.int64(1) }
        }
        return result
    }

    /// Highest block id in this partition, or 0.
    func maxBlockID() throws -> Int64 {
        try connection.scalarInt("SELECT coalesce(max(id), 0) FROM blocks") ?? 0
    }

    /// The last chained block of this partition (highest `seq`), if any.
    func chainHead() throws -> (sequence: Int64, hash: [UInt8])? {
        let statement = try connection.prepare(
            "SELECT seq, hash FROM blocks WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1")
        guard try statement.step() else { return nil }
        return (statement.int64(0), statement.blob(1))
    }

    /// Ids of sealed blocks written before the hash chain existed (schema version 1).
    func unchainedBlockIDs() throws -> [Int64] {
        let statement = try connection.prepare("SELECT id FROM blocks WHERE sealed = 1 AND seq IS NULL ORDER BY id")
        var ids: [Int64] = []
        while try statement.step() { ids.append(statement.int64(0)) }
        return ids
    }

    /// Chains the stored sealed block `id` after the head of `chain`, in its own transaction.
    func chainStoredBlock(id: Int64, chain: BlockChain) throws {
        let select = try connection.prepare(
            """
            SELECT min_ts, max_ts, min_received, max_received, event_count, format, keys, data
            FROM blocks WHERE id = ?
            """)
        select.bind(1, id)
        guard try select.step() else { return }
        let header = BlockHeader(
            sequence: chain.sequence + 1, day: day, minTimestamp: select.int64(0), maxTimestamp: select.int64(1),
            minReceived: select.int64(2), maxReceived: select.int64(3), eventCount: select.int64(4),
            format: select.int64(5), keysDigest: select.withBlob(6) { SHA256.hash($0) },
            payloadDigest: select.withBlob(7) { SHA256.hash($0) })
        let hash = header.hash(previous: chain.hash)
        let update = try connection.prepare("UPDATE blocks SET seq = ?, prev_hash = ?, hash = ? WHERE id = ?")
        update.bind(1, header.sequence)
        update.bind(2, chain.hash)
        update.bind(3, hash)
        update.bind(4, id)
        try connection.transaction { _ = try update.step() }
        chain.advance(to: (header.sequence, hash))
    }

    /// Writes `events` (all of this day) in one durable transaction, with the producers' highest
    /// `seq` and the rollups. Seals the unsealed events with them once there are enough; sealed
    /// blocks are linked into `chain`. `nextID` hands out block ids. In-memory state (and the
    /// chain's head) changes only after the commit. Returns the sealed blocks written.
    @discardableResult
    func write(
        _ events: [AuditEvent], now: Int64, configuration: StoreConfiguration, chain: BlockChain,
        nextID: () -> Int64
    ) throws -> SealedBlocks {
        guard !events.isEmpty else { return SealedBlocks() }
        let sealing = pendingEvents.count + events.count >= configuration.sealThreshold
        var records = BlockRecord.encode(
            sealing ? pendingEvents + events : events, sealed: sealing, configuration: configuration, nextID: nextID)
        let head = chain.link(&records, day: day)
        try connection.transaction {
            for record in records { try insert(record) }
            if sealing { try deletePendingBlocks() }
            try recordProducers(events)
            try HourlyRollups.write(try recordRollups(events), with: upsertHourlyRollup)
            var sources: [RejectionSources.Key: Int64] = [:]
            RejectionSources.count(events, into: &sources)
            try RejectionSources.write(sources, with: upsertRejectionSource)
        }
        chain.advance(to: head)
        if sealing {
            pendingEvents.removeAll(keepingCapacity: true)
            pendingBlockIDs.removeAll()
        } else {
            if pendingEvents.isEmpty { pendingSince = now }
            pendingEvents.append(contentsOf: events)
            pendingBlockIDs.append(contentsOf: records.map(\.id))
        }
        return sealing ? SealedBlocks(records) : SealedBlocks()
    }

    /// Seals the unsealed events into full blocks, if any and if `force` or they are old enough.
    /// Returns the sealed blocks written.
    @discardableResult
    func sealIfDue(
        now: Int64, force: Bool, configuration: StoreConfiguration, chain: BlockChain, nextID: () -> Int64
    ) throws -> SealedBlocks {
        guard !pendingEvents.isEmpty else { return SealedBlocks() }
        let age = now - pendingSince
        guard force || age >= Int64(configuration.sealAfterSeconds) * 1_000_000 else { return SealedBlocks() }
        var records = BlockRecord.encode(pendingEvents, sealed: true, configuration: configuration, nextID: nextID)
        let head = chain.link(&records, day: day)
        try connection.transaction {
            for record in records { try insert(record) }
            try deletePendingBlocks()
        }
        chain.advance(to: head)
        pendingEvents.removeAll(keepingCapacity: true)
        pendingBlockIDs.removeAll()
        return SealedBlocks(records)
    }

    private func insert(_ record: BlockRecord) throws {
        insertBlock.reset()
        insertBlock.bind(1, record.id)
        insertBlock.bind(2, record.sealed ? 1 : 0)
        insertBlock.bind(3, record.minTimestamp)
        insertBlock.bind(4, record.maxTimestamp)
        insertBlock.bind(5, record.minReceived)
        insertBlock.bind(6, record.maxReceived)
        insertBlock.bind(7, Int64(record.eventCount))
        insertBlock.bind(8, Int64(BlockCodec.formatVersion))
        insertBlock.bind(9, record.keys)
        insertBlock.bind(10, record.data)
        insertBlock.bind(11, record.sequence)
        if let previous = record.previousHash, let hash = record.hash {
            insertBlock.bind(12, previous)
            insertBlock.bind(13, hash)
        }
        try insertBlock.step()
    }

    private func deletePendingBlocks() throws {
        for id in pendingBlockIDs {
            deleteBlock.reset()
            deleteBlock.bind(1, id)
            try deleteBlock.step()
        }
    }

    private func recordProducers(_ events: [AuditEvent]) throws {
        var highest: [String: Int64] = [:]
        for event in events {
            guard let producer = event.producer, let seq = event.sequence else { continue }
            if seq > highest[producer, default: Int64.min] { highest[producer] = seq }
        }
        for (name, seq) in highest {
            upsertProducer.reset()
            upsertProducer.bind(1, name)
            upsertProducer.bind(2, seq)
            try upsertProducer.step()
        }
    }

    @discardableResult
    private func recordRollups(_ events: [AuditEvent]) throws -> [RollupKey: Int64] {
        var counts: [RollupKey: Int64] = [:]
        for event in events {
            counts[RollupKey(event), default: 0] += 1
        }
        for (key, count) in counts {
            upsertRollup.reset()
            upsertRollup.bind(1, key.minute)
            upsertRollup.bind(2, key.service)
            upsertRollup.bind(3, Int64(key.kind))
            upsertRollup.bind(4, Int64(key.outcome))
            upsertRollup.bind(5, Int64(key.reason))
            upsertRollup.bind(6, Int64(key.tokenType))
            upsertRollup.bind(7, count)
            try upsertRollup.step()
        }
        return counts
    }

    private func loadPendingBlocks() throws {
        let statement = try connection.prepare("SELECT id, data FROM blocks WHERE sealed = 0 ORDER BY id")
        while try statement.step() {
            let id = statement.int64(0)
            let events = try statement.withBlob(1) { try BlockCodec.decode($0) }
            pendingEvents.append(contentsOf: events)
            pendingBlockIDs.append(id)
        }
    }
}
