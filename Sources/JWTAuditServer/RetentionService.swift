import Foundation
import Glibc
import JWTAuditRetention
import JWTAuditStore
import Logging
import ServiceLifecycle

/// Runs the retention job inside the daemon on the policy's `schedule` (docs/retention.md). The job
/// runs on a thread of its own at a lower priority, reading, copying and vacuuming outside
/// the writer's transactions; it reaches the writer thread only to remove an emptied partition and
/// to chain its run record, a few milliseconds each between group commits.
public final class RetentionService: Service, @unchecked Sendable {
    /// What the service runs and when.
    public struct Options: Sendable {
        /// The policy (already checked: the daemon refuses one with errors).
        public var policy: RetentionPolicy
        /// Runs every so many seconds instead of the policy's schedule (tests and benchmarks), first
        /// after that delay.
        public var intervalOverride: Double?

        /// Options running `policy` on its own schedule.
        public init(policy: RetentionPolicy) {
            self.policy = policy
        }
    }

    /// Totals for `/metrics`.
    public let counters: RetentionCounters
    private let options: Options
    private let directory: DataDirectory
    private let writer: any EventWriterAccess
    private let logger: Logger

    /// A service applying `options` to `directory`, reaching the writer through `writer`.
    public init(options: Options, directory: DataDirectory, writer: any EventWriterAccess, logger: Logger) throws {
        self.options = options
        self.directory = directory
        self.writer = writer
        self.logger = logger
        let last = try RetentionLedger(directory: directory, readOnly: true).runs().last
        counters = RetentionCounters(lastRunSeconds: last.map { Double($0.finishedAt ?? $0.startedAt) / 1_000_000 })
        logger.info(
            "retention on",
            metadata: [
                "retention.policy": "\(options.policy.file)",
                "retention.schedule": "\(options.intervalOverride.map { "every \($0) s" } ?? "\(options.policy.schedule)")",
            ])
    }

    /// Waits for each scheduled time and runs the job, until graceful shutdown.
    public func run() async throws {
        var previous: Int64?
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let now = Self.now()
            let next: Int64
            if let seconds = options.intervalOverride {
                next = (previous ?? now) + Int64(seconds * 1_000_000)
            } else {
                next = options.policy.schedule.next(after: now, previous: previous)
            }
            let delay = max(0, next - now)
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .microseconds(delay)) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            previous = Self.now()
            await runOnce()
        }
    }

    /// Runs the job once on a thread of its own and logs what it did.
    func runOnce() async {
        var configured = RetentionJob(directory: directory, policy: options.policy)
        configured.parallel = false
        let job = configured
        let writer = writer
        let result: Result<RetentionJob.Report, any Error> = await withCheckedContinuation { continuation in
            let thread = Thread {
                // Below the writer thread, so that the job on a busy machine yields to ingest.
                // (On Linux the nice value is per thread, and 0 names the calling one.)
                _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10)
                continuation.resume(returning: Result { try job.run(now: Self.now(), writer: writer) })
            }
            thread.name = "jwtaudit-retention"
            thread.start()
        }
        let seconds = Double(Self.now()) / 1_000_000
        switch result {
        case .success(let report):
            counters.succeeded(
                at: seconds, blocksArchived: report.archive.blocks, eventsArchived: report.archive.events,
                blocksDeleted: report.record.blocksDeleted, eventsDeleted: report.record.eventsDeleted)
            logger.info(
                "retention run finished",
                metadata: [
                    "retention.run": "\(report.record.id)",
                    "retention.chained_as": "\(report.recordSequence.map(String.init) ?? "none")",
                    "retention.blocks_archived": "\(report.archive.blocks)",
                    "retention.events_archived": "\(report.archive.events)",
                    "retention.blocks_deleted": "\(report.record.blocksDeleted)",
                    "retention.events_deleted": "\(report.record.eventsDeleted)",
                    "retention.bytes_returned": "\(report.record.bytesReturned)",
                    "retention.days_deferred": "\(report.daysDeferred.map(\.name))",
                    "retention.holds_applied": "\(report.record.holdsApplied)",
                ])
        case .failure(let error):
            counters.failed(at: seconds)
            logger.error("retention run failed", metadata: ["error": "\(error)"])
        }
    }

    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}
