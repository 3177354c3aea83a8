import JWTAuditModel

/// The store's single writer: it owns every partition's write connection. Not thread-safe; one
/// thread (the ingest pipeline) drives it.
///
/// A call to ``write(_:now:)`` returns only after every event in it is durably committed
/// (`synchronous=FULL` in WAL mode): that is the moment the collector may acknowledge.
public final class EventWriter {
    /// The data folder written to.
    public let directory: DataDirectory
    public let configuration: StoreConfiguration
    private var partitions: [PartitionDay: PartitionWriter] = [:]
    private var lastUsed: [PartitionDay: Int64] = [:]
    private var nextBlockID: Int64 = 1
    /// Sealed blocks written since this writer was opened (for metrics).
    public private(set) var sealed = SealedBlocks()
    /// The head of the hash chain over sealed blocks (docs/integrity.md).
    private let chain: BlockChain
    /// Open partition files kept at most; idle ones beyond this are sealed and closed.
    private let maxOpenPartitions = 8

    /// Opens the store in `directory` (creating it) and recovers unsealed blocks, the next id and
    /// the head of the hash chain. Sealed blocks written before the chain existed are chained now.
    public init(directory: DataDirectory, configuration: StoreConfiguration = StoreConfiguration()) throws {
        self.directory = directory
        self.configuration = configuration
        try directory.prepare()
        var maxID: Int64 = 0
        var head: (sequence: Int64, hash: [UInt8]) = (0, BlockHeader.genesisHash)
        var unchained: [(id: Int64, day: PartitionDay)] = []
        for day in try directory.partitionDays() {
            let partition = try PartitionWriter(day: day, path: directory.partitionPath(day))
            maxID = max(maxID, try partition.maxBlockID())
            if let last = try partition.chainHead(), last.sequence > head.sequence { head = last }
            unchained += try partition.unchainedBlockIDs().map { ($0, day) }
            if !partition.pendingEvents.isEmpty {
                partitions[day] = partition
                lastUsed[day] = 0
            }
        }
        // Retention may have deleted the newest blocks (a store idle past keep_days): the chain
        // then continues from the newest tombstone, never restarting at 1.
        if let last = try RetentionLedger(directory: directory, readOnly: true).newest() {
            if last.header.sequence > head.sequence { head = (last.header.sequence, last.hash) }
            maxID = max(maxID, last.blockID)
        }
        // The archive tier and retention run records hold chain links too (docs/integrity.md).
        for link in try ChainLinks.outsidePartitions(directory, after: head.sequence) where link.sequence > head.sequence {
            head = (link.sequence, link.hash)
        }
        maxID = max(maxID, try ChainLinks.maxArchivedBlockID(directory))
        nextBlockID = maxID + 1
        chain = BlockChain(sequence: head.sequence, hash: head.hash)
        for block in unchained.sorted(by: { $0.id < $1.id }) {
            let chain = chain
            try withPartition(block.day) { try $0.chainStoredBlock(id: block.id, chain: chain) }
        }
    }

    /// Highest stored `seq` per producer across all partitions, for dedup after a restart.
    public func storedSequences() throws -> [String: Int64] {
        var result: [String: Int64] = [:]
        for day in try directory.partitionDays() {
            let sequences = try withPartition(day) { try $0.producerSequences() }
            for (name, seq) in sequences where seq > result[name, default: Int64.min] {
                result[name] = seq
            }
        }
        return result
    }

    /// Durably stores `events`, split by UTC day of `ts`. `now` is wall-clock µs.
    ///
    /// When the events span several days, each day is its own transaction. They are committed
    /// in an order that keeps every producer's committed events a prefix of what it sent, so
    /// that the highest stored `seq` stays a safe dedup mark after a crash between two commits.
    public func write(_ events: [AuditEvent], now: Int64) throws {
        var remaining = events
        try write(remaining: &remaining, now: now)
    }

    /// Like ``write(_:now:)``, but removes from `remaining` the events of each day as its
    /// transaction commits: when a later day's commit fails (a full disk), `remaining` holds
    /// exactly the events still to write, so a retry never stores a day twice.
    public func write(remaining: inout [AuditEvent], now: Int64) throws {
        guard let first = remaining.first else { return }
        let firstDay = PartitionDay(containing: first.timestamp)
        if remaining.allSatisfy({ PartitionDay(containing: $0.timestamp) == firstDay }) {
            let events = remaining
            sealed.add(
                try withPartition(firstDay, now: now) {
                    try $0.write(events, now: now, configuration: configuration, chain: chain, nextID: allocateID)
                })
            remaining = []
            return
        }
        while let head = remaining.first {
            let day = PartitionDay(containing: head.timestamp)
            var taken: [AuditEvent] = []
            var kept: [AuditEvent] = []
            var blocked: Set<String> = []
            for event in remaining {
                let sequenced = event.sequence != nil ? event.producer : nil
                let inDay = PartitionDay(containing: event.timestamp) == day
                if inDay && !(sequenced.map(blocked.contains) ?? false) {
                    taken.append(event)
                } else {
                    kept.append(event)
                    if let sequenced { blocked.insert(sequenced) }
                }
            }
            sealed.add(
                try withPartition(day, now: now) {
                    try $0.write(taken, now: now, configuration: configuration, chain: chain, nextID: allocateID)
                })
            remaining = kept
        }
    }

    /// Seals unsealed blocks older than the configured age, and closes idle partitions.
    public func sealIdle(now: Int64) throws {
        for (day, partition) in partitions {
            sealed.add(
                try partition.sealIfDue(now: now, force: false, configuration: configuration, chain: chain, nextID: allocateID))
            if partition.pendingEvents.isEmpty && partitions.count > maxOpenPartitions {
                partitions[day] = nil
                lastUsed[day] = nil
            }
        }
    }

    /// Seals everything and closes all partitions (graceful shutdown).
    public func close(now: Int64) throws {
        for partition in partitions.values {
            sealed.add(
                try partition.sealIfDue(now: now, force: true, configuration: configuration, chain: chain, nextID: allocateID))
        }
        partitions.removeAll()
        lastUsed.removeAll()
    }

    /// Events written but not yet sealed into full blocks, over all partitions.
    public var unsealedEventCount: Int {
        partitions.values.reduce(0) { $0 + $1.pendingEvents.count }
    }

    /// Chains a retention run record after the newest block: `store` receives its header (built
    /// by `header` from its sequence number), previous hash and hash, and must store it durably;
    /// the chain head moves only once it returns.
    public func appendChainRecord(
        _ header: (Int64) -> BlockHeader, store: (BlockHeader, [UInt8], [UInt8]) throws -> Void
    ) throws {
        let made = header(chain.sequence + 1)
        let hash = made.hash(previous: chain.hash)
        try store(made, chain.hash, hash)
        chain.advance(to: (made.sequence, hash))
    }

    /// Closes `day`'s online partition and removes its files, if it still holds exactly what
    /// `snapshot` saw (the retention job moved or deleted all of it) and no unsealed events;
    /// returns false, changing nothing on disk, when a late event was written to it meanwhile.
    /// A later event of that day opens a new partition file.
    public func retirePartition(_ day: PartitionDay, ifUnchanged snapshot: PartitionSnapshot) throws -> Bool {
        if let open = partitions[day] {
            guard open.pendingEvents.isEmpty else { return false }
            partitions[day] = nil
            lastUsed[day] = nil
        }
        return try PartitionRetirement.removeIfUnchanged(directory, day, snapshot)
    }

    private func allocateID() -> Int64 {
        defer { nextBlockID += 1 }
        return nextBlockID
    }

    private func withPartition<T>(_ day: PartitionDay, now: Int64 = 0, _ body: (PartitionWriter) throws -> T) throws -> T {
        if let open = partitions[day] {
            lastUsed[day] = now
            return try body(open)
        }
        let partition = try PartitionWriter(day: day, path: directory.partitionPath(day))
        try evictIfFull(now: now)
        partitions[day] = partition
        lastUsed[day] = now
        return try body(partition)
    }

    private func evictIfFull(now: Int64) throws {
        guard partitions.count >= maxOpenPartitions else { return }
        let idle = partitions.keys.sorted { lastUsed[$0, default: 0] < lastUsed[$1, default: 0] }
        for day in idle.prefix(partitions.count - maxOpenPartitions + 1) {
            if let partition = partitions[day] {
                sealed.add(
                    try partition.sealIfDue(now: now, force: true, configuration: configuration, chain: chain, nextID: allocateID))
            }
            partitions[day] = nil
            lastUsed[day] = nil
        }
    }
}
