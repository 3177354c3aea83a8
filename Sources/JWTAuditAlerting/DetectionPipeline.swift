import Foundation
import JWTAuditDetection
import JWTAuditModel
import JWTAuditStore
import Logging

/// Runs detection live: takes committed batches from the writer, runs the engine on its own
/// thread, persists the refresh-token ledger, stores alerts and hands them to outputs. A timer
/// ticks the engine every second so absence rules fire without traffic.
///
/// The queue is bounded: when detection falls behind, ``submit(_:sequenceGaps:)`` blocks the writer
/// (ingest slows, acknowledgements wait) rather than skipping events.
public final class DetectionPipeline: @unchecked Sendable {
    private let condition = NSCondition()
    private var queue: [(events: [AuditEvent], gaps: [String: Int64])] = []
    private var queuedEvents = 0
    private var pendingRules: RuleSet?
    /// Erasures not yet applied, with their tickets; `forgotten` is the last ticket applied.
    private var pendingForgets: [(field: EventField, value: String, ticket: Int)] = []
    private var forgetTickets = 0
    private var forgotten = 0
    /// Losses reported since the last round.
    private var losses: [EventLoss] = []
    /// Ledger changes not yet persisted because the store failed (a full disk); retried in order.
    private var unpersisted: [LedgerChange] = []
    private var stopping = false
    private var finished = false
    private var thread: Thread?

    private let engine: DetectionEngine
    private let ledgerStore: LedgerStore
    private let recorder: AlertRecording
    private let publisher: AlertPublishing?
    private let logger: Logger
    private let maxQueuedEvents: Int
    /// Findings not yet stored because the alert store failed; retried on the next round.
    private var unrecorded: [Finding] = []
    private let statisticsLock = NSLock()
    private var published = DetectionPipelineStatistics()

    public init(
        engine: DetectionEngine, ledgerStore: LedgerStore, recorder: AlertRecording, publisher: AlertPublishing?,
        logger: Logger, maxQueuedEvents: Int = 262_144
    ) {
        self.engine = engine
        self.ledgerStore = ledgerStore
        self.recorder = recorder
        self.publisher = publisher
        self.logger = logger
        self.maxQueuedEvents = maxQueuedEvents
    }

    public func start() {
        let thread = Thread { [self] in run() }
        thread.name = "jwtaudit-detection"
        self.thread = thread
        thread.start()
    }

    /// Queues a committed batch; waits while the queue is full.
    public func submit(_ events: [AuditEvent], sequenceGaps: [String: Int64]) {
        condition.lock()
        while queuedEvents >= maxQueuedEvents && !stopping { condition.wait() }
        queue.append((events, sequenceGaps))
        queuedEvents += events.count
        condition.broadcast()
        condition.unlock()
    }

    /// Reports events the pipeline lost or refused (`event_loss`), raised in the next round.
    /// Never blocks: losses are few and small.
    public func report(_ loss: EventLoss) {
        condition.lock()
        losses.append(loss)
        condition.broadcast()
        condition.unlock()
    }

    /// Swaps in new rules before the next batch.
    public func reload(_ rules: RuleSet) {
        condition.lock()
        pendingRules = rules
        condition.broadcast()
        condition.unlock()
    }

    /// Drops detection state about `value` of `field` (a stored pseudonym) after every batch
    /// submitted before, persists the ledger change, and returns once that is done (at once when
    /// the pipeline is not running).
    public func forget(_ field: EventField, value: String) {
        condition.lock()
        defer { condition.unlock() }
        guard thread != nil && !stopping && !finished else { return }
        forgetTickets += 1
        let ticket = forgetTickets
        pendingForgets.append((field, value, ticket))
        condition.broadcast()
        while forgotten < ticket && !finished { condition.wait() }
    }

    /// Processes everything queued, stores the last alerts, and returns when the thread has ended.
    public func stop() {
        condition.lock()
        stopping = true
        condition.broadcast()
        while thread != nil && !finished { condition.wait() }
        condition.unlock()
    }

    /// Events queued for detection and not yet taken by its thread.
    public var queueDepth: Int {
        condition.lock()
        defer { condition.unlock() }
        return queuedEvents
    }

    /// Counters for metrics and logs.
    public var statistics: DetectionPipelineStatistics {
        statisticsLock.lock()
        defer { statisticsLock.unlock() }
        return published
    }

    private func run() {
        var lastTick = Date.distantPast
        while true {
            condition.lock()
            while queue.isEmpty && losses.isEmpty && !stopping && pendingRules == nil && pendingForgets.isEmpty
                && Date().timeIntervalSince(lastTick) < 1
            {
                _ = condition.wait(until: lastTick.addingTimeInterval(1))
            }
            let taken = queue
            queue.removeAll(keepingCapacity: true)
            queuedEvents = 0
            let rules = pendingRules
            pendingRules = nil
            let forgets = pendingForgets
            pendingForgets.removeAll()
            let reportedLosses = losses
            losses.removeAll()
            let done = stopping && taken.isEmpty
            condition.broadcast()
            condition.unlock()

            if let rules {
                engine.replaceRules(rules)
                logger.info("detection rules replaced", metadata: ["rules.custom": "\(rules.custom.count)"])
            }
            var findings: [Finding] = []
            for batch in taken {
                findings += engine.process(batch.events, now: Self.now())
                for (producer, lost) in batch.gaps {
                    findings += engine.report(EventLoss(kind: .sequenceGap, source: producer, count: Int(lost), at: Self.now()))
                }
            }
            for forget in forgets {
                engine.forget(forget.field, value: forget.value)
            }
            for loss in reportedLosses {
                findings += engine.report(loss)
            }
            if taken.isEmpty {
                findings += engine.advance(now: Self.now())
                lastTick = Date()
            }
            for (output, dropped) in publisher?.takeDropped() ?? [:] where dropped > 0 {
                findings += engine.report(EventLoss(kind: .outputDropped, source: "output:\(output)", count: dropped, at: Self.now()))
            }
            persistLedger()
            let events = taken.reduce(0) { $0 + $1.events.count }
            if events > 0 {
                logger.debug("detection round", metadata: ["events": "\(events)", "findings": "\(findings.count)"])
            }
            record(findings, events: events)
            if let last = forgets.last {
                condition.lock()
                forgotten = last.ticket
                condition.broadcast()
                condition.unlock()
            }
            if done {
                do {
                    try ledgerStore.finish()
                    try recorder.finish()
                } catch {
                    logger.warning("cannot fold the write-ahead logs at shutdown", metadata: ["error": "\(error)"])
                }
                condition.lock()
                finished = true
                condition.broadcast()
                condition.unlock()
                return
            }
        }
    }

    private func persistLedger() {
        // Changes are upserts and deletes by key: applying the retained ones again, in order, is safe.
        let changes = unpersisted + engine.takeLedgerChanges()
        guard !changes.isEmpty else { return }
        do {
            try ledgerStore.apply(changes)
            unpersisted = []
        } catch {
            unpersisted = changes
            logger.error(
                "cannot persist the refresh-token ledger; keeping the changes to retry",
                metadata: ["error": "\(error)", "changes": "\(changes.count)"])
        }
    }

    private func record(_ findings: [Finding], events: Int) {
        var statistics = DetectionPipelineStatistics()
        let pending = unrecorded + findings
        var alerts: [Alert] = []
        if !pending.isEmpty {
            do {
                let now = Self.now()
                alerts = try recorder.recordFindings(pending, now: now)
                unrecorded = []
                for finding in pending {
                    guard let trigger = finding.samples.first?.receivedAt, trigger > 0 else { continue }
                    statistics.alertLatencies.append(now - trigger)
                }
            } catch {
                unrecorded = Array(pending.suffix(100_000))
                logger.error(
                    "cannot store alerts; keeping them to retry", metadata: ["error": "\(error)", "findings": "\(pending.count)"])
            }
        }
        if !alerts.isEmpty { publisher?.publish(alerts) }
        let engineStatistics = engine.statistics
        statisticsLock.lock()
        published.events += events
        published.findings += findings.count
        published.alertsPublished += alerts.count
        published.unrecorded = unrecorded.count
        published.engine = engineStatistics
        published.alertLatencies += statistics.alertLatencies
        if published.alertLatencies.count > 100_000 { published.alertLatencies.removeFirst(50_000) }
        statisticsLock.unlock()
    }

    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}

/// What the detection pipeline has done since start.
public struct DetectionPipelineStatistics: Sendable {
    public var events = 0
    public var findings = 0
    public var alertsPublished = 0
    /// Findings waiting for the alert store to accept them.
    public var unrecorded = 0
    public var engine = DetectionStatistics()
    /// Microseconds from the triggering event's receipt to its stored alert (recent ones).
    public var alertLatencies: [Int64] = []
}
