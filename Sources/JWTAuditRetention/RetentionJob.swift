import JWTAuditBlocks
import JWTAuditStore

/// The retention job: reads every partition's block metadata, lets ``RetentionPlanner`` decide,
/// then deletes what is past keep and not held (tombstones first), dropping a whole partition file
/// when every block in it goes. Records the run in `meta.sqlite` (`retention_runs`).
public struct RetentionJob {
    /// What a run did (or, dry, would do).
    public struct Report: Sendable {
        /// The run's record (counts, holds); its id is 0 on a dry run.
        public var record: RetentionRunRecord
        /// Blocks within their online period.
        public var blocksOnline: Int64 = 0
        /// Blocks kept because a legal hold could cover them.
        public var blocksHeld: Int64 = 0
        /// Partitions in which blocks were deleted (file kept, vacuumed).
        public var partitionsPruned: [PartitionDay] = []
        /// Partitions dropped whole.
        public var partitionsDropped: [PartitionDay] = []
        /// Whether nothing was changed.
        public var dryRun: Bool
    }

    /// The data folder.
    public let directory: DataDirectory
    /// The policy applied.
    public let policy: RetentionPolicy

    /// A job over `directory` under `policy`.
    public init(directory: DataDirectory, policy: RetentionPolicy) {
        self.directory = directory
        self.policy = policy
    }

    /// Runs the job once at `now` (µs since the epoch); with `dryRun`, only plans.
    public func run(now: Int64, dryRun: Bool) throws -> Report {
        let pruner = PartitionPruner(directory: directory)
        let planner = RetentionPlanner(policy: try policy.holdsTranslated(PseudonymLookup(directory: directory)))
        var report = Report(record: RetentionRunRecord(startedAt: now, policyFile: policy.file), dryRun: dryRun)
        let ledger = dryRun ? nil : try RetentionLedger(directory: directory)
        if let ledger { report.record.id = try ledger.begin(report.record) }
        var holds: Set<String> = []
        for day in try directory.partitionDays() {
            let summaries = try pruner.blocks(of: day)
            guard !summaries.isEmpty else { continue }
            let decisions = planner.plan(summaries.map(Self.retentionBlock), now: now)
            var doomed: [Int64] = []
            for decision in decisions {
                switch decision.action {
                case .keepOnline: report.blocksOnline += 1
                case .archive: report.record.blocksDueForArchive += 1
                case .delete:
                    doomed.append(decision.block.id)
                    report.record.eventsDeleted += decision.block.eventCount
                }
                if !decision.holds.isEmpty {
                    report.blocksHeld += 1
                    holds.formUnion(decision.holds)
                }
            }
            guard !doomed.isEmpty else { continue }
            report.record.blocksDeleted += Int64(doomed.count)
            let whole = doomed.count == summaries.count
            if whole { report.partitionsDropped.append(day) } else { report.partitionsPruned.append(day) }
            guard let ledger else {
                report.record.bytesReturned += whole ? pruner.bytesOnDisk(day) : 0
                continue
            }
            let run = report.record.id
            if whole {
                report.record.bytesReturned += try pruner.drop(day, run: run, now: now, ledger: ledger)
            } else {
                report.record.bytesReturned += try pruner.delete(doomed, of: day, run: run, now: now, ledger: ledger)
            }
        }
        report.record.partitionsDropped = Int64(report.partitionsDropped.count)
        report.record.holdsApplied = holds.sorted()
        if let ledger {
            report.record.finishedAt = now
            try ledger.finish(report.record)
        }
        return report
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
