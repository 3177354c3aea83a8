import CoreMetrics
import Foundation
import JWTAuditModel
import JWTAuditStore
import Logging

/// The single writer thread: takes batches from all connections, drops resent events by `seq`,
/// commits everything queued in one group commit, then acknowledges each batch.
///
/// A commit that fails (full disk, I/O error) is retried with backoff and nothing is
/// acknowledged meanwhile; connections stop being read once their in-flight bound is reached.
final class IngestPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [IngestBatch] = []
    private var queuedEvents = 0
    private var lastCommit = Date.distantPast
    private var stopping = false
    private var finished = false

    private let writer: EventWriter
    private let quarantine: QuarantineStore
    private var sequences: ProducerSequences
    private let counters: CollectorCounters
    private let logger: Logger
    private let onCommit: CommitObserver?
    private var thread: Thread?
    /// Whether commits fail, and what to log and tell connections about it.
    private let outage: StorageOutage
    /// Set when a failed commit was given up at shutdown: nothing more is written or acknowledged.
    private var abandoned = false
    /// Refused lines already handed to `onCommit`.
    private var reportedRefused: Int64 = 0
    /// Group-commit durations (`jwtaudit_commit_duration_seconds`), a no-op without a metrics backend.
    private let commitTimer = CoreMetrics.Timer(label: "jwtaudit_commit_duration_seconds")

    /// Most events taken into one group commit.
    private let maxEventsPerCommit = 16_384
    /// A commit with fewer events than this waits until `groupCommitWindow` after the previous
    /// commit for more to arrive: a few milliseconds of ack latency buy far fewer, larger commits
    /// (each commit has a fixed cost: a transaction, an fsync, a block, rollup rows).
    private let groupCommitMinimum = 2_048
    private let groupCommitWindow: TimeInterval = 0.005

    init(
        writer: EventWriter, quarantine: QuarantineStore, counters: CollectorCounters, logger: Logger,
        onCommit: CommitObserver?, onStorageUnavailable: (@Sendable () -> Void)? = nil
    ) throws {
        self.writer = writer
        self.onCommit = onCommit
        self.quarantine = quarantine
        self.counters = counters
        self.logger = logger
        outage = StorageOutage(counters: counters, logger: logger, onStart: onStorageUnavailable)
        sequences = ProducerSequences(stored: try writer.storedSequences())
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "jwtaudit-writer"
        thread.qualityOfService = .userInitiated
        self.thread = thread
        thread.start()
    }

    /// Queues a batch; called from the event loops.
    func submit(_ batch: IngestBatch) {
        condition.lock()
        queue.append(batch)
        queuedEvents += batch.events.count
        counters.ingestQueueEvents.store(Int64(queuedEvents), ordering: .relaxed)
        condition.signal()
        condition.unlock()
    }

    /// Commits and acknowledges everything queued, seals open blocks, and returns when the
    /// writer thread has finished.
    func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while !finished { condition.wait() }
        condition.unlock()
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping {
                if !condition.wait(until: Date(timeIntervalSinceNow: 1)) { break }
            }
            let windowEnd = lastCommit.addingTimeInterval(groupCommitWindow)
            while !queue.isEmpty && !stopping && queuedEvents < groupCommitMinimum && Date() < windowEnd {
                _ = condition.wait(until: windowEnd)
            }
            var taken = takeBatches()
            let done = stopping && taken.isEmpty
            condition.unlock()

            if done {
                close()
                return
            }
            if taken.isEmpty {
                sealIdle()
            } else {
                lastCommit = Date()
                commit(&taken)
            }
        }
    }

    /// Takes queued batches up to the commit bound. Called with the lock held.
    private func isStopping() -> Bool {
        condition.lock()
        defer { condition.unlock() }
        return stopping
    }

    /// Hands lines refused since the last call to `onCommit`, so that detection raises
    /// `event_loss` even while no commit succeeds.
    private func reportRefused() {
        let refused = counters.eventsRefused.load(ordering: .relaxed)
        guard refused > reportedRefused else { return }
        let count = Int(refused - reportedRefused)
        reportedRefused = refused
        onCommit?(CommittedEvents(events: [], sequenceGaps: [:], refusedEvents: count))
    }

    private func takeBatches() -> [IngestBatch] {
        var count = 0
        var index = 0
        while index < queue.count && (index == 0 || count + queue[index].events.count <= maxEventsPerCommit) {
            count += queue[index].events.count
            index += 1
        }
        let taken = Array(queue[..<index])
        queue.removeFirst(index)
        queuedEvents -= count
        counters.ingestQueueEvents.store(Int64(queuedEvents), ordering: .relaxed)
        return taken
    }

    private func commit(_ batches: inout [IngestBatch]) {
        guard !abandoned else { return }
        let eventCounts = batches.map(\.events.count)
        let duplicatesBefore = sequences.duplicates
        let gapsBefore = sequences.gaps
        let events = admitted(&batches)
        var remaining = events
        var attempt = 0
        while true {
            do {
                let started = DispatchTime.now().uptimeNanoseconds
                try writer.write(remaining: &remaining, now: Self.now())
                commitTimer.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds - started))
                break
            } catch {
                attempt += 1
                counters.writeFailures.wrappingAdd(1, ordering: .relaxed)
                outage.failed(error, attempt: attempt, events: remaining.count)
                reportRefused()
                if isStopping() {
                    // Nothing after this commit may be written: a later commit would store a
                    // producer's later events, and its `seq` mark, past these unstored ones.
                    abandoned = true
                    logger.error(
                        """
                        stopping with a failed commit: it and everything queued after it are not stored \
                        or acknowledged (producers resend them)
                        """,
                        metadata: ["events": "\(remaining.count)"])
                    return
                }
                Thread.sleep(forTimeInterval: min(5, 0.05 * Double(1 << min(attempt, 7))))
            }
        }
        outage.succeeded()
        reportRefused()
        counters.commits.wrappingAdd(1, ordering: .relaxed)
        publishSealed()
        counters.eventsStored.wrappingAdd(Int64(events.count), ordering: .relaxed)
        counters.duplicatesDropped.wrappingAdd(sequences.duplicates - duplicatesBefore, ordering: .relaxed)
        let newGaps = sequences.gaps - gapsBefore
        let producerGaps = newGaps > 0 ? sequences.takeGaps() : [:]
        if newGaps > 0 {
            counters.sequenceGaps.wrappingAdd(newGaps, ordering: .relaxed)
            logger.warning("producers skipped sequence numbers", metadata: ["events.lost": "\(newGaps)"])
        }
        // Rejected lines are quarantined before the ack that covers them, so that an acknowledged
        // rejection can be found; a quarantine that cannot be written (a full disk) delays no ack.
        let rejected = batches.flatMap(\.rejected)
        if !rejected.isEmpty {
            do {
                try quarantine.append(rejected)
            } catch {
                logger.error("cannot write the quarantine", metadata: ["error": "\(error)"])
            }
        }
        for (batch, count) in zip(batches, eventCounts) {
            batch.connection.acknowledge(batch.lastLine, count)
        }
        onCommit?(CommittedEvents(events: events, sequenceGaps: producerGaps))
    }

    /// The events of `batches` that are not resends, in order. Each batch's array is taken over
    /// rather than copied (the first one becomes the result), so few events are copied.
    private func admitted(_ batches: inout [IngestBatch]) -> [AuditEvent] {
        var remaining = batches.reduce(0) { $0 + $1.events.count }
        var events: [AuditEvent] = []
        for index in batches.indices {
            var batch: [AuditEvent] = []
            swap(&batch, &batches[index].events)
            remaining -= batch.count
            var kept: [AuditEvent]?
            for (position, event) in batch.enumerated() {
                if !sequences.admit(event) {
                    if kept == nil { kept = Array(batch[..<position]) }
                } else {
                    kept?.append(event)
                }
            }
            let fresh = kept ?? batch
            if events.isEmpty {
                events = fresh
                events.reserveCapacity(events.count + remaining)
            } else {
                events.append(contentsOf: fresh)
            }
        }
        return events
    }

    private func sealIdle() {
        do {
            try writer.sealIdle(now: Self.now())
            publishSealed()
        } catch {
            logger.error("sealing idle blocks failed", metadata: ["error": "\(error)"])
        }
    }

    /// Copies the writer's sealed-block totals into the counters (the writer is this thread's alone).
    private func publishSealed() {
        counters.blocksSealed.store(writer.sealed.count, ordering: .relaxed)
        counters.sealedBlockBytes.store(writer.sealed.bytes, ordering: .relaxed)
    }

    private func close() {
        do {
            try writer.close(now: Self.now())
        } catch {
            logger.error("sealing blocks at shutdown failed", metadata: ["error": "\(error)"])
        }
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}
