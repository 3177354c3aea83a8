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
    /// Work for the writer thread from other parts of the daemon (the retention job's short steps).
    private var tasks: [@Sendable (EventWriter) -> Void] = []
    /// Erasures waiting for the writer thread (they run between commits).
    private var forgets: [ForgetRequestSlot] = []

    private let writer: EventWriter
    private let quarantine: QuarantineStore
    private var sequences: ProducerSequences
    private let counters: CollectorCounters
    private let logger: Logger
    private let onCommit: CommitObserver?
    /// Replaces pseudonymised fields before events are stored; nil when none are.
    private let pseudonymiser: Pseudonymiser?
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
        onCommit: CommitObserver?, pseudonymiser: Pseudonymiser? = nil,
        onStorageUnavailable: (@Sendable () -> Void)? = nil
    ) throws {
        self.writer = writer
        self.pseudonymiser = pseudonymiser
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
        condition.lock()
        self.thread = thread
        condition.unlock()
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

    /// Runs `work` on the writer thread between group commits (never inside one); false, without
    /// running it, once the pipeline is stopping.
    func perform(_ work: @escaping @Sendable (EventWriter) -> Void) -> Bool {
        condition.lock()
        defer { condition.unlock() }
        guard !stopping && !finished else { return false }
        tasks.append(work)
        condition.signal()
        return true
    }

    /// Destroys the pseudonym key of `value` on the writer thread, between two commits, and
    /// returns the pseudonym it had (nil: it had none). Events already pseudonymised keep the old
    /// pseudonym; the value's next event gets a new key. Throws when the pipeline has stopped.
    func forget(_ field: PseudonymField, _ value: String) throws -> String? {
        guard pseudonymiser != nil else { throw IngestPipelineStopped(description: "pseudonymisation is off") }
        let slot = ForgetRequestSlot(field: field, value: value)
        condition.lock()
        guard !stopping, thread != nil else {
            condition.unlock()
            throw IngestPipelineStopped(description: "the collector is not running")
        }
        forgets.append(slot)
        condition.broadcast()
        while slot.result == nil { condition.wait() }
        condition.unlock()
        return try slot.result!.get()
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
            while queue.isEmpty && tasks.isEmpty && forgets.isEmpty && !stopping {
                if !condition.wait(until: Date(timeIntervalSinceNow: 1)) { break }
            }
            let windowEnd = lastCommit.addingTimeInterval(groupCommitWindow)
            while !queue.isEmpty && !stopping && queuedEvents < groupCommitMinimum && Date() < windowEnd {
                _ = condition.wait(until: windowEnd)
            }
            var taken = takeBatches()
            let done = stopping && taken.isEmpty
            let work = tasks
            tasks.removeAll()
            let erasures = forgets
            forgets.removeAll()
            condition.unlock()

            if !erasures.isEmpty { forget(erasures) }

            if done {
                for item in work { item(writer) }
                close()
                return
            }
            if taken.isEmpty {
                sealIdle()
            } else {
                lastCommit = Date()
                commit(&taken)
            }
            for item in work { item(writer) }
        }
    }

    /// Runs erasures on this thread (no commit is in progress) and wakes their callers.
    private func forget(_ erasures: [ForgetRequestSlot]) {
        for slot in erasures {
            let result = Result { try pseudonymiser!.forget(slot.field, slot.value) }
            if case .failure(let error) = result {
                logger.error("forget failed", metadata: ["error": "\(error)", "field": "\(slot.field.name)"])
            }
            condition.lock()
            slot.result = result
            condition.broadcast()
            condition.unlock()
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
        let eventCounts = batches.map { $0.events.count + $0.rejected.count }  // what each connection counted in flight
        let duplicatesBefore = sequences.duplicates
        let gapsBefore = sequences.gaps
        var events = admitted(&batches)
        // Pseudonymised in place, once: it changes nothing when it throws, and a retried write
        // must not pseudonymise the pseudonyms.
        var pseudonymised = pseudonymiser == nil
        var remaining = events
        var attempt = 0
        while true {
            do {
                let started = DispatchTime.now().uptimeNanoseconds
                if !pseudonymised, let pseudonymiser {
                    try pseudonymiser.pseudonymise(&events)
                    pseudonymised = true
                    remaining = events
                }
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
        var rejected = batches.flatMap(\.rejected)
        if let pseudonymiser, !rejected.isEmpty {
            for index in rejected.indices {
                rejected[index].excerpt = ExcerptScrubber.redact(rejected[index].excerpt, keys: pseudonymiser.fields)
            }
        }
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

/// One erasure handed to the writer thread; `result` is set there, under the pipeline's lock.
private final class ForgetRequestSlot: @unchecked Sendable {
    let field: PseudonymField
    let value: String
    var result: Result<String?, any Error>?

    init(field: PseudonymField, value: String) {
        self.field = field
        self.value = value
    }
}

/// The pipeline cannot take an erasure (stopped, or pseudonymisation off).
struct IngestPipelineStopped: Error, CustomStringConvertible {
    var description: String
}
