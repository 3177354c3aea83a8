import JWTAuditBlocks
import JWTAuditStore

/// The retention job (docs/retention.md, "The retention job"): reads every block's metadata in
/// both tiers, lets ``RetentionPlanner`` decide, then
///
/// - moves each **closed** day (ended more than ``lateness`` ago) whose blocks are all past their
///   online period out of the online tier: blocks due for the archive are copied into the
///   day's archive file, blocks past keep (and not held) are deleted with tombstones, and the
///   online partition file is removed on the writer's thread, only if nothing was written to it
///   meanwhile (else the move is undone and the day waits for the next run);
/// - deletes blocks past keep from days that stay online (in place, without VACUUM) and from the
///   archive tier (VACUUM there, or the archive file removed);
/// - records the run in `meta.sqlite` and chains its record into the hash chain.
///
/// The heavy work (reading and checking blocks, writing archive files, VACUUM) runs on the caller's
/// thread, outside the writer's transactions; only the partition removal and the chaining of the
/// run record go through ``EventWriterAccess``.
public struct RetentionJob: Sendable {
    /// What a run did (or, dry, would do).
    public struct Report: Sendable {
        /// The run's record (counts, holds); its id is 0 on a dry run.
        public var record: RetentionRunRecord
        /// What the run moved to the archive tier.
        public var archive = RetentionRecords.ArchiveCounts()
        /// Blocks within their online period.
        public var blocksOnline: Int64 = 0
        /// Blocks already in the archive tier, kept there.
        public var blocksInArchive: Int64 = 0
        /// Blocks kept because a legal hold could cover them.
        public var blocksHeld: Int64 = 0
        /// Partitions in which blocks were deleted (file kept).
        public var partitionsPruned: [PartitionDay] = []
        /// Partitions removed with none of their blocks archived (all deleted).
        public var partitionsDropped: [PartitionDay] = []
        /// Partitions moved to the archive tier (some blocks archived, the rest deleted).
        public var partitionsArchived: [PartitionDay] = []
        /// Days whose online partition was written to during the run: left online for the next run.
        public var daysDeferred: [PartitionDay] = []
        /// The run record's place in the hash chain; nil on a dry run.
        public var recordSequence: Int64?
        /// Runs that had stopped midway and were recorded in the chain by this one.
        public var runsFinished: [Int64] = []
        /// Whether nothing was changed.
        public var dryRun: Bool
    }

    /// The data folder.
    public let directory: DataDirectory
    /// The policy applied.
    public let policy: RetentionPolicy
    /// How long after its end a day counts as closed (µs): late events are rare past it. Default 1 h.
    public var lateness: Int64 = 3_600_000_000
    /// zlib level to recompress archived blocks at; `nil` (the default) copies them as they are.
    /// Measured on the load generator's traffic, level 9 made payloads 1.3% larger at most of the
    /// run's CPU (docs/benchmarks.md, "Retention"), and copied blocks keep their inclusion proofs.
    public var archiveLevel: Int32?
    /// Whether to check (and recompress) on every core (true by hand) or on the job's thread only (the daemon).
    public var parallel = true

    /// A job over `directory` under `policy`.
    public init(directory: DataDirectory, policy: RetentionPolicy) {
        self.directory = directory
        self.policy = policy
    }

    /// Runs the job once at `now` (µs since the epoch) with no daemon running (the caller holds the
    /// data folder's lock); with `dryRun`, only plans.
    public func run(now: Int64, dryRun: Bool) throws -> Report {
        if dryRun { return try run(now: now, writer: nil) }
        let writer = try EventWriter(directory: directory)
        defer { try? writer.close(now: now) }
        return try run(now: now, writer: DirectWriterAccess(writer))
    }

    /// Runs the job once at `now`, reaching the event writer through `writer`; nil plans only (dry run).
    public func run(now: Int64, writer: (any EventWriterAccess)?) throws -> Report {
        let dryRun = writer == nil
        let pruner = PartitionPruner(directory: directory)
        let archive = ArchiveTier(directory: directory)
        let planner = RetentionPlanner(policy: try policy.holdsTranslated(PseudonymLookup(directory: directory)))
        var report = Report(record: RetentionRunRecord(startedAt: now, policyFile: policy.file), dryRun: dryRun)
        let ledger = dryRun ? nil : try RetentionLedger(directory: directory)
        let records = dryRun ? nil : try RetentionRecords(directory: directory)
        if let ledger, let records, let writer {
            report.runsFinished = try recordUnchainedRuns(ledger: ledger, records: records, writer: writer, now: now)
            report.record.id = try ledger.begin(report.record)
        }
        var holds: Set<String> = []
        let run = report.record.id

        // The online tier.
        for day in try directory.partitionDays() {
            let summaries = try pruner.blocks(of: day)
            guard !summaries.isEmpty else { continue }
            let decisions = planner.plan(summaries.map(Self.retentionBlock), now: now)
            for decision in decisions where !decision.holds.isEmpty {
                report.blocksHeld += 1
                holds.formUnion(decision.holds)
            }
            let doomed = decisions.filter { $0.action == .delete }.map(\.block)
            let toArchive = decisions.filter { $0.action == .archive }.map(\.block)
            let closed = day.end + lateness <= now
            let leaves = closed && !decisions.contains { $0.action == .keepOnline || !$0.block.sealed }
            guard leaves else {
                report.blocksOnline += Int64(decisions.count - doomed.count - toArchive.count)
                report.record.blocksDueForArchive += Int64(toArchive.count)
                guard !doomed.isEmpty else { continue }
                report.record.blocksDeleted += Int64(doomed.count)
                report.record.eventsDeleted += doomed.reduce(0) { $0 + $1.eventCount }
                report.partitionsPruned.append(day)
                if let ledger {
                    try pruner.delete(doomed.map(\.id), of: day, run: run, now: now, ledger: ledger, vacuum: false)
                }
                continue
            }
            try leaveOnline(
                day, summaries: summaries, doomed: doomed, toArchive: toArchive, run: run, now: now,
                writer: writer, ledger: ledger, records: records, report: &report)
        }

        // The archive tier.
        for day in try directory.archiveDays() {
            let summaries = try archive.blocks(of: day)
            guard !summaries.isEmpty else { continue }
            let decisions = planner.plan(summaries.map(Self.retentionBlock), now: now)
            for decision in decisions where !decision.holds.isEmpty {
                report.blocksHeld += 1
                holds.formUnion(decision.holds)
            }
            let doomed = decisions.filter { $0.action == .delete }.map(\.block)
            report.blocksInArchive += Int64(decisions.count - doomed.count)
            guard !doomed.isEmpty else { continue }
            report.record.blocksDeleted += Int64(doomed.count)
            report.record.eventsDeleted += doomed.reduce(0) { $0 + $1.eventCount }
            let whole = doomed.count == summaries.count
            if whole { report.record.partitionsDropped += 1 }
            if let ledger {
                report.record.bytesReturned += try archive.delete(
                    Set(doomed.map(\.id)), of: day, run: run, now: now, ledger: ledger)
            } else if whole {
                report.record.bytesReturned += directory.archiveBytes(day)
            }
        }

        report.record.partitionsDropped += Int64(report.partitionsDropped.count)
        report.record.holdsApplied = holds.sorted()
        report.archive.partitions = Int64(report.partitionsArchived.count + report.partitionsDropped.count)
        report.archive.deferred = Int64(report.daysDeferred.count)
        if let ledger, let records, let writer {
            report.record.finishedAt = now
            try ledger.finish(report.record)
            report.recordSequence = try chain(
                report.record, archive: report.archive, ledger: ledger, records: records, writer: writer, now: now)
        }
        return report
    }

    /// Moves a closed day out of the online tier: archives `toArchive`, deletes `doomed` (tombstones
    /// first), then removes the partition file on the writer's thread if it is unchanged.
    private func leaveOnline(
        _ day: PartitionDay, summaries: [BlockSummary], doomed: [RetentionBlock], toArchive: [RetentionBlock],
        run: Int64, now: Int64, writer: (any EventWriterAccess)?, ledger: RetentionLedger?,
        records: RetentionRecords?, report: inout Report
    ) throws {
        let events = toArchive.reduce(0) { $0 + $1.eventCount }
        let deletedEvents = doomed.reduce(0) { $0 + $1.eventCount }
        guard let ledger, let records, let writer else {
            report.archive.blocks += Int64(toArchive.count)
            report.archive.events += events
            report.archive.bytesBefore += toArchive.reduce(0) { $0 + $1.bytes }
            report.record.blocksDeleted += Int64(doomed.count)
            report.record.eventsDeleted += deletedEvents
            if toArchive.isEmpty { report.partitionsDropped.append(day) } else { report.partitionsArchived.append(day) }
            return
        }
        let pruner = PartitionPruner(directory: directory)
        var archive = ArchiveTier(directory: directory)
        archive.parallel = parallel
        let expected = PartitionSnapshot(blocks: Int64(summaries.count), maxBlockID: summaries.map(\.id).max() ?? 0)
        var snapshot = try pruner.recordTombstones(Set(doomed.map(\.id)), of: day, run: run, now: now, ledger: ledger)
        let onlineBytes = pruner.bytesOnDisk(day)
        let archiveBefore = directory.archiveBytes(day)
        var move: ArchiveTier.Move?
        if !toArchive.isEmpty {
            let moved = try archive.archive(
                day, blockIDs: Set(toArchive.map(\.id)), copyRollups: doomed.isEmpty, runID: run, level: archiveLevel)
            try records.recordArchived(moved.blocks)
            snapshot = moved.snapshot
            move = moved
        }
        var removed = false
        if snapshot == expected {
            let finalSnapshot = snapshot
            removed = try writer.withWriter { try $0.retirePartition(day, ifUnchanged: finalSnapshot) }
        }
        guard removed else {
            if let move {
                try archive.undo(move)
                try records.removeArchived(move.blocks)
            }
            report.daysDeferred.append(day)
            report.blocksOnline += Int64(summaries.count)
            return
        }
        report.record.blocksDeleted += Int64(doomed.count)
        report.record.eventsDeleted += deletedEvents
        if let move {
            report.partitionsArchived.append(day)
            report.archive.blocks += Int64(move.blocks.count)
            report.archive.events += move.blocks.reduce(0) { $0 + $1.eventCount }
            report.archive.bytesBefore += move.blocks.reduce(0) { $0 + $1.onlineBytes }
            report.archive.bytesAfter += move.blocks.reduce(0) { $0 + $1.archivedBytes }
        } else {
            report.partitionsDropped.append(day)
        }
        report.record.bytesReturned += max(0, onlineBytes - (directory.archiveBytes(day) - archiveBefore))
    }

    /// Chains the record of `run` (finished and stored in `ledger`) and returns its sequence number.
    private func chain(
        _ run: RetentionRunRecord, archive: RetentionRecords.ArchiveCounts, ledger: RetentionLedger,
        records: RetentionRecords, writer: any EventWriterAccess, now: Int64
    ) throws -> Int64 {
        let digest = RetentionRecords.digest(
            run: run, archive: archive, tombstones: try ledger.tombstones().filter { $0.runID == run.id },
            archived: try records.archived().values.filter { $0.runID == run.id })
        let directory = directory
        return try writer.withWriter { writer in
            var sequence: Int64 = 0
            try writer.appendChainRecord({ RetentionRecords.header(sequence: $0, run: run, recordedAt: now, digest: digest) }) {
                header, previous, hash in
                sequence = header.sequence
                try RetentionRecords(directory: directory).append(
                    RetentionRecords.Record(
                        sequence: header.sequence, runID: run.id, recordedAt: now, archive: archive, digest: digest,
                        previousHash: previous, hash: hash))
            }
            return sequence
        }
    }

    /// Chains the records of runs that stopped before theirs was chained (their archive counts
    /// rebuilt from their archive records); returns their ids.
    private func recordUnchainedRuns(
        ledger: RetentionLedger, records: RetentionRecords, writer: any EventWriterAccess, now: Int64
    ) throws -> [Int64] {
        let chained = Set(try records.records().map(\.runID))
        let archived = try records.archived().values
        var finished: [Int64] = []
        for var run in try ledger.runs() where !chained.contains(run.id) {
            if run.finishedAt == nil {
                run.finishedAt = now
                try ledger.finish(run)
            }
            var counts = RetentionRecords.ArchiveCounts()
            for block in archived where block.runID == run.id {
                counts.blocks += 1
                counts.events += block.eventCount
                counts.bytesBefore += block.onlineBytes
                counts.bytesAfter += block.archivedBytes
            }
            _ = try chain(run, archive: counts, ledger: ledger, records: records, writer: writer, now: now)
            finished.append(run.id)
        }
        return finished
    }

    /// The planner's view of a stored block, probing its key filter.
    static func retentionBlock(_ summary: BlockSummary) -> RetentionBlock {
        var probe: (@Sendable (RetentionBlock.KeyField, String) -> Bool)?
        if let filter = try? BlockKeyFilter(serialized: summary.keys) {
            probe = { field, value in filter.mightContain(field == .service ? .service : .subject, value) }
        }
        return RetentionBlock(
            day: summary.day.daysSinceEpoch, id: summary.id, sequence: summary.sequence, sealed: summary.sealed,
            minTimestamp: summary.minTimestamp, maxTimestamp: summary.maxTimestamp, eventCount: summary.eventCount,
            bytes: summary.bytes, mightContain: probe)
    }
}
