import Dispatch
import JWTAuditCrypto
import JWTAuditModel

/// Checks a data folder offline: walks the hash chain over every sealed block in sequence order
/// (hashing compressed payloads, never decoding them), then checks every checkpoint, from the
/// store and from the external file, against the chain (docs/integrity.md). A block deleted by
/// retention is stood in for by its tombstone (docs/retention.md); a stored block wins over a
/// tombstone of the same sequence number (a run that stopped between the two).
public struct StoreVerifier {
    /// The data folder (or a copy of it).
    public let directory: DataDirectory
    /// Keys the auditor trusts (`--key`); nil takes the keys recorded in the store itself.
    public var trustedKeys: [Ed25519PublicKey]?
    /// The external checkpoint file (`--checkpoints`), if any.
    public var checkpointFile: String?

    /// A verifier of `directory` with the store's own keys and no external file.
    public init(directory: DataDirectory) {
        self.directory = directory
    }

    /// Runs every check and reports the first damage found.
    public func verify() throws -> VerificationReport {
        var report = VerificationReport()
        report.partitions = try directory.partitionDays()
        let scans = try Self.scanAll(directory, report.partitions)
        var blocks = scans.flatMap(\.blocks)
        report.events = blocks.reduce(0) { $0 + $1.header.eventCount }
        var stored = Set(blocks.map(\.header.sequence))
        // The archive tier: each block's header carries the online payload digest its hash covers;
        // the stored bytes (copied, or recompressed) are checked against the run records below.
        report.archiveDays = try directory.archiveDays()
        let archived = try Self.scanArchives(directory, report.archiveDays)
        var inArchive: [ArchiveTier.ScannedBlock] = []
        for scanned in archived where stored.insert(scanned.block.header.sequence).inserted {
            inArchive.append(scanned)
            blocks.append(scanned.block)
            report.archivedBlocks += 1
            report.archivedEvents += scanned.block.header.eventCount
        }
        report.events += report.archivedEvents
        let ledger = try RetentionLedger(directory: directory, readOnly: true)
        let allTombstones = try ledger.tombstones()
        for tombstone in allTombstones
        where !stored.contains(tombstone.header.sequence) {
            blocks.append(
                StoredBlock(
                    day: tombstone.header.day, id: tombstone.blockID, header: tombstone.header,
                    storedPrevious: tombstone.previousHash, storedHash: tombstone.hash))
            report.tombstones += 1
            report.tombstonedEvents += tombstone.header.eventCount
            report.newestTombstonedEvent = max(report.newestTombstonedEvent ?? .min, tombstone.header.maxTimestamp)
        }
        // Retention run records: each chains a digest of its run, recomputed here from what is stored.
        let records = try RetentionRecords(directory: directory, readOnly: true)
        let attested = try records.archived()
        let runRecords = try records.records()
        let runs = Dictionary(try ledger.runs().map { ($0.id, $0) }, uniquingKeysWith: { first, _ in first })
        var recordRuns: [Int64: Int64] = [:]
        for record in runRecords where !stored.contains(record.sequence) {
            let digest: [UInt8]
            if let run = runs[record.runID] {
                digest = RetentionRecords.digest(
                    run: run, archive: record.archive, tombstones: allTombstones.filter { $0.runID == record.runID },
                    archived: attested.values.filter { $0.runID == record.runID })
            } else {
                digest = []
            }
            let header = RetentionRecords.header(
                sequence: record.sequence, run: runs[record.runID] ?? RetentionRunRecord(startedAt: 0, policyFile: ""),
                recordedAt: record.recordedAt, digest: digest)
            blocks.append(
                StoredBlock(
                    day: header.day, id: record.runID, header: header, storedPrevious: record.previousHash,
                    storedHash: record.hash))
            recordRuns[record.sequence] = record.runID
            report.runRecords += 1
        }
        blocks.sort { $0.header.sequence < $1.header.sequence }
        report.blocks = Int64(blocks.count)
        report.unsealedEvents = scans.reduce(0) { $0 + $1.unsealedEvents }
        if var failure = Self.walk(blocks) {
            if let sequence = failure.sequence, let run = recordRuns[sequence], failure.kind == .altered {
                failure = IntegrityFailure(
                    kind: .altered, sequence: sequence,
                    detail: "the record of retention run \(run) no longer matches what was chained: its row in "
                        + "retention_runs, its tombstones or its archive records were changed or deleted")
            }
            report.failure = failure
            return report
        }
        let chainedRuns = Set(runRecords.map(\.runID))
        for scanned in inArchive.sorted(by: { $0.block.header.sequence < $1.block.header.sequence }) {
            let block = scanned.block
            guard let record = attested[block.header.sequence], record.payloadDigest == block.header.payloadDigest,
                record.archivedDigest == scanned.archivedDigest
            else {
                report.failure = IntegrityFailure(
                    kind: .altered, sequence: block.header.sequence, day: block.day, blockID: block.id,
                    detail: "archived block: its stored payload no longer matches the digest its "
                        + "retention run recorded")
                return report
            }
            guard chainedRuns.contains(record.runID) else {
                report.failure = IntegrityFailure(
                    kind: .altered, sequence: block.header.sequence, day: block.day, blockID: block.id,
                    detail: "archived by retention run \(record.runID), which is not recorded in the chain "
                        + "(a run that stopped midway is recorded by the next run)")
                return report
            }
        }
        for (day, scan) in zip(report.partitions, scans) {
            if let id = scan.unchainedSealedIDs.first {
                report.failure = IntegrityFailure(
                    kind: .altered, day: day, blockID: id,
                    detail: "partition \(day.name), row id \(id) is marked sealed but has no place in the chain")
                return report
            }
        }
        report.failure = try checkCheckpoints(blocks, into: &report)
        return report
    }

    // MARK: - The chain

    /// The first broken link in `blocks` (sorted by sequence number), or nil.
    static func walk(_ blocks: [StoredBlock]) -> IntegrityFailure? {
        var previous = BlockHeader.genesisHash
        for (position, block) in blocks.enumerated() {
            let expected = Int64(position) + 1
            let sequence = block.header.sequence
            if sequence > expected {
                return IntegrityFailure(
                    kind: .missing, sequence: expected,
                    detail: "no block has sequence number \(expected); the next stored is \(sequence) "
                        + "(partition \(block.day.name), row id \(block.id))")
            }
            if sequence < expected {
                return IntegrityFailure(
                    kind: .altered, sequence: sequence, day: block.day, blockID: block.id,
                    detail: "sequence number \(sequence) is out of place (repeated, or below 1)")
            }
            if block.header.hash(previous: previous) == block.storedHash && block.storedPrevious == previous {
                previous = block.storedHash
                continue
            }
            return diagnose(position, in: blocks, previous: previous)
        }
        return nil
    }

    /// Why the block at `position` does not continue the chain from `previous`: another intact
    /// block belongs here, or this block's contents belong elsewhere (reordered), or it changed.
    static func diagnose(_ position: Int, in blocks: [StoredBlock], previous: [UInt8]) -> IntegrityFailure {
        let block = blocks[position]
        let sequence = block.header.sequence
        for other in blocks where other.header.sequence != sequence && other.storedPrevious == previous {
            var header = other.header
            header.sequence = sequence
            if header.hash(previous: previous) == other.storedHash {
                return IntegrityFailure(
                    kind: .reordered, sequence: sequence, day: block.day, blockID: block.id,
                    detail:
                        "the block that belongs at sequence number \(sequence) is stored as \(other.header.sequence) "
                        + "(partition \(other.day.name), row id \(other.id))")
            }
        }
        for other in blocks where other.header.sequence != sequence {
            var header = block.header
            header.sequence = other.header.sequence
            if header.hash(previous: other.storedPrevious) == other.storedHash {
                return IntegrityFailure(
                    kind: .reordered, sequence: sequence, day: block.day, blockID: block.id,
                    detail: "it holds the contents of block \(other.header.sequence)")
            }
        }
        let what: String
        if block.header.hash(previous: block.storedPrevious) == block.storedHash {
            what = "its hash was recomputed over a changed previous hash"
        } else if block.storedPrevious != previous {
            what = "its payload, key filter or header no longer matches its hash, and its previous hash was changed"
        } else {
            what = "its payload, key filter or header no longer matches its hash"
        }
        return IntegrityFailure(kind: .altered, sequence: sequence, day: block.day, blockID: block.id, detail: what)
    }

    // MARK: - Checkpoints

    /// Checks every checkpoint, in tree-size order, against the (intact) chain.
    private func checkCheckpoints(_ blocks: [StoredBlock], into report: inout VerificationReport) throws
        -> IntegrityFailure?
    {
        let store = try CheckpointStore(directory: directory, readOnly: true)
        var entries = try store.all().map { (checkpoint: $0, source: "the store") }
        report.storeCheckpoints = entries.count
        if let checkpointFile {
            let lines = try CheckpointFile.read(checkpointFile)
            report.fileCheckpoints = 0
            for line in lines {
                switch line.checkpoint {
                case .success(let checkpoint):
                    entries.append((checkpoint, "\(checkpointFile) line \(line.number)"))
                    report.fileCheckpoints! += 1
                case .failure(let error):
                    return IntegrityFailure(
                        kind: .badSignature,
                        detail: "\(checkpointFile) line \(line.number) is not a checkpoint: \(error)")
                }
            }
        }
        var keys: [String: Ed25519PublicKey] = [:]
        if let trustedKeys {
            report.keysFromStore = false
            for key in trustedKeys { keys[key.keyID] = key }
        } else {
            for record in try store.keys() { keys[record.key.keyID] = record.key }
        }
        entries.sort { $0.checkpoint.treeSize < $1.checkpoint.treeSize }
        if let first = entries.first, let last = entries.last {
            report.checkpointRange = first.checkpoint.treeSize...last.checkpoint.treeSize
            report.latestCheckpointTime = entries.map(\.checkpoint.time).max()
        }
        var usedKeys: Set<String> = []
        var frontier = MerkleFrontier()
        var agreed: Int64 = 0
        for (checkpoint, source) in entries {
            let size = checkpoint.treeSize
            guard let key = keys[checkpoint.keyID] else {
                return IntegrityFailure(
                    kind: .badSignature,
                    detail: "the checkpoint of \(size) blocks in \(source) is signed by key \(checkpoint.keyID), "
                        + (trustedKeys == nil ? "which the store does not know" : "which is not among the given keys"))
            }
            guard checkpoint.isSigned(by: key) else {
                return IntegrityFailure(
                    kind: .badSignature,
                    detail: "the signature of the checkpoint of \(size) blocks in \(source) does not verify "
                        + "under key \(checkpoint.keyID)")
            }
            usedKeys.insert(checkpoint.keyID)
            if size > Int64(blocks.count) {
                let first = Int64(blocks.count) + 1
                return IntegrityFailure(
                    kind: .truncatedTail, sequence: first,
                    detail: "the checkpoint in \(source) signs \(size) blocks but the store holds \(blocks.count): "
                        + (first == size ? "block \(size) was cut off" : "blocks \(first)…\(size) were cut off"))
            }
            while Int64(frontier.count) < size {
                frontier.append(leafHash: MerkleTree.leafHash(blocks[frontier.count].storedHash))
            }
            let head = size == 0 ? BlockHeader.genesisHash : blocks[Int(size) - 1].storedHash
            if frontier.root != checkpoint.root || head != checkpoint.head {
                guard size > 0 else {
                    return IntegrityFailure(
                        kind: .recomputed,
                        detail: "the checkpoint in \(source) signs an empty tree with a root that is not the empty one")
                }
                let suspect = blocks[Int(min(agreed, size - 1))]
                return IntegrityFailure(
                    kind: .recomputed, sequence: suspect.header.sequence, day: suspect.day, blockID: suspect.id,
                    detail: "the chain is consistent but disagrees with the signed checkpoint of \(size) blocks in "
                        + "\(source)\(agreed > 0 ? " (the checkpoint of \(agreed) blocks agrees)" : ""): a block "
                        + "among \(agreed + 1)…\(size) was changed and the hashes after it recomputed")
            }
            agreed = size
        }
        report.keyIDs = usedKeys.sorted()
        return nil
    }

    // MARK: - Reading

    /// Scans every archive file, one per core.
    static func scanArchives(_ directory: DataDirectory, _ days: [PartitionDay]) throws -> [ArchiveTier.ScannedBlock] {
        var results = [Result<[ArchiveTier.ScannedBlock], any Error>](repeating: .success([]), count: days.count)
        results.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let output = output
            DispatchQueue.concurrentPerform(iterations: days.count) { index in
                output[index] = Result { try ArchiveTier.scan(directory, days[index]) }
            }
        }
        return try results.flatMap { try $0.get() }
    }

    /// Scans every partition, two at a time or more (one per core).
    static func scanAll(_ directory: DataDirectory, _ days: [PartitionDay]) throws -> [StoredBlock.PartitionScan] {
        var results = [Result<StoredBlock.PartitionScan, any Error>](
            repeating: .success(StoredBlock.PartitionScan()), count: days.count)
        results.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let output = output
            DispatchQueue.concurrentPerform(iterations: days.count) { index in
                output[index] = Result { try StoredBlock.scan(directory, days[index]) }
            }
        }
        return try results.map { try $0.get() }
    }
}
