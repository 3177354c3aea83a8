import Foundation
import JWTAuditModel
import JWTAuditStore
import Logging

/// The single writer thread. Connections append decoded events to one shared queue (so a group
/// commit takes them over without copying any) and then submit a mark for what they read; the
/// writer drops resent events by `seq`, commits what is queued in one group commit, and
/// acknowledges every mark whose events are all durable.
///
/// A commit that fails (full disk, I/O error) is retried with backoff and nothing is
/// acknowledged meanwhile; connections stop being read once their in-flight bound is reached.
final class IngestPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private var queuedEvents: [AuditEvent] = []
    private var queuedMarks: [IngestMark] = []
    /// Events ever appended; the writer's committed count catches up with it.
    private var appendedTotal: Int64 = 0
    private var lastCommit = Date.distantPast
    private var lastSealCheck = Date()
    private var stopping = false
    private var finished = false

    private let writer: EventWriter
    private let quarantine: QuarantineStore
    private var sequences: ProducerSequences
    private let counters: CollectorCounters
    private let logger: Logger
    private var thread: Thread?
    /// Events taken into commits so far (writer thread only).
    private var committedTotal: Int64 = 0
    /// Marks whose events are not all committed yet (writer thread only).
    private var waitingMarks: [IngestMark] = []

    /// Most events taken into one group commit.
    private let maxEventsPerCommit = 32_768
    /// A commit with fewer events than this waits until `groupCommitWindow` after the previous
    /// commit for more to arrive: a few milliseconds of ack latency buy far fewer, larger commits
    /// (each commit has a fixed cost: a transaction, an fsync, a block, rollup rows).
    private let groupCommitMinimum = 2_048
    private let groupCommitWindow: TimeInterval = 0.005

    init(writer: EventWriter, quarantine: QuarantineStore, counters: CollectorCounters, logger: Logger) throws {
        self.writer = writer
        self.quarantine = quarantine
        self.counters = counters
        self.logger = logger
        sequences = ProducerSequences(stored: try writer.storedSequences())
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "jwtaudit-writer"
        thread.qualityOfService = .userInitiated
        self.thread = thread
        thread.start()
    }

    /// Queues one decoded event; called from the event loops. Returns its position.
    func append(_ event: AuditEvent) -> Int64 {
        condition.lock()
        queuedEvents.append(event)
        appendedTotal += 1
        let position = appendedTotal
        condition.unlock()
        return position
    }

    /// Queues a connection's mark after its events; called from the event loops.
    func submit(_ mark: IngestMark) {
        condition.lock()
        queuedMarks.append(mark)
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
            while queuedEvents.isEmpty && queuedMarks.isEmpty && !stopping {
                if !condition.wait(until: Date(timeIntervalSinceNow: 1)) { break }
            }
            let windowEnd = lastCommit.addingTimeInterval(groupCommitWindow)
            while !queuedEvents.isEmpty && !stopping && queuedEvents.count < groupCommitMinimum && Date() < windowEnd {
                _ = condition.wait(until: windowEnd)
            }
            var events = takeEvents()
            waitingMarks.append(contentsOf: queuedMarks)
            queuedMarks.removeAll(keepingCapacity: true)
            let done = stopping && events.isEmpty && queuedEvents.isEmpty
            condition.unlock()

            if !events.isEmpty {
                lastCommit = Date()
                commit(&events)
            }
            acknowledgeDurableMarks()
            if done {
                close()
                return
            }
            if Date().timeIntervalSince(lastSealCheck) >= 1 {
                lastSealCheck = Date()
                sealIdle()
            }
        }
    }

    /// Takes queued events up to the commit bound: the whole queue, uncopied, when it fits.
    /// Called with the lock held.
    private func takeEvents() -> [AuditEvent] {
        var taken: [AuditEvent] = []
        if queuedEvents.count <= maxEventsPerCommit {
            swap(&taken, &queuedEvents)
        } else {
            taken = Array(queuedEvents[..<maxEventsPerCommit])
            queuedEvents.removeFirst(maxEventsPerCommit)
        }
        return taken
    }

    private func commit(_ taken: inout [AuditEvent]) {
        let takenCount = Int64(taken.count)
        let duplicatesBefore = sequences.duplicates
        let gapsBefore = sequences.gaps
        let events = admitted(&taken)
        var attempt = 0
        while true {
            do {
                try writer.write(events, now: Self.now())
                break
            } catch {
                attempt += 1
                counters.writeFailures.wrappingAdd(1, ordering: .relaxed)
                logger.error(
                    "commit failed; nothing in it is acknowledged, retrying",
                    metadata: ["error": "\(error)", "attempt": "\(attempt)", "events": "\(events.count)"])
                Thread.sleep(forTimeInterval: min(5, 0.05 * Double(1 << min(attempt, 7))))
            }
        }
        committedTotal += takenCount
        counters.commits.wrappingAdd(1, ordering: .relaxed)
        counters.eventsStored.wrappingAdd(Int64(events.count), ordering: .relaxed)
        counters.duplicatesDropped.wrappingAdd(sequences.duplicates - duplicatesBefore, ordering: .relaxed)
        let newGaps = sequences.gaps - gapsBefore
        if newGaps > 0 {
            counters.sequenceGaps.wrappingAdd(newGaps, ordering: .relaxed)
            logger.warning("producers skipped sequence numbers", metadata: ["events.lost": "\(newGaps)"])
        }
    }

    /// The events that are not resends, in order; the array itself when there are none.
    private func admitted(_ events: inout [AuditEvent]) -> [AuditEvent] {
        var kept: [AuditEvent]?
        for (position, event) in events.enumerated() {
            if !sequences.admit(event) {
                if kept == nil { kept = Array(events[..<position]) }
            } else {
                kept?.append(event)
            }
        }
        if let kept { return kept }
        var all: [AuditEvent] = []
        swap(&all, &events)
        return all
    }

    /// Acknowledges every mark whose events are all committed (a connection's marks stay in
    /// order), and quarantines their rejected lines.
    private func acknowledgeDurableMarks() {
        let committed = committedTotal
        let durable = waitingMarks.filter { $0.lastEventPosition <= committed }
        guard !durable.isEmpty else { return }
        for mark in durable {
            mark.connection.acknowledge(mark.lastLine, mark.events)
        }
        let rejected = durable.flatMap(\.rejected)
        waitingMarks.removeAll { $0.lastEventPosition <= committed }
        if !rejected.isEmpty {
            do {
                try quarantine.append(rejected)
            } catch {
                logger.error("cannot write the quarantine", metadata: ["error": "\(error)"])
            }
        }
    }

    private func sealIdle() {
        do {
            try writer.sealIdle(now: Self.now())
        } catch {
            logger.error("sealing idle blocks failed", metadata: ["error": "\(error)"])
        }
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
