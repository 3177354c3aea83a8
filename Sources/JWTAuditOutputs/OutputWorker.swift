import Foundation
import JWTAuditDetection
import Logging

/// The bounded queue and the worker thread behind every output.
///
/// `offer` appends to the queue under a lock and returns; when the output already holds `capacity`
/// alerts (waiting or being delivered) the newest ones are dropped and counted. One thread per
/// output takes the queue and delivers alert by alert, so a slow webhook never delays syslog.
/// Losses are logged at most once per `warningInterval`, with how many were lost since the last
/// warning.
final class OutputWorker: @unchecked Sendable {
    let name: String
    let counters = OutputCounters()
    let logger: Logger
    private let capacity: Int
    private let minimumSeverity: Severity
    private let warningInterval: Duration
    private let delivery: any AlertDelivery

    private let condition = NSCondition()
    private var queue: [Alert] = []
    /// Alerts held: waiting in `queue` or in the batch the thread is delivering.
    private var pending = 0
    private var closing = false
    private var abandoned = false
    private var finished = false
    private var lastWarning: ContinuousClock.Instant?
    private var lostSinceWarning = 0

    init(
        name: String, capacity: Int, minimumSeverity: Severity, delivery: any AlertDelivery, logger: Logger,
        warningInterval: Duration = .seconds(60)
    ) {
        precondition(capacity >= 1, "an output queue holds at least one alert")
        self.name = name
        self.capacity = capacity
        self.minimumSeverity = minimumSeverity
        self.delivery = delivery
        self.warningInterval = warningInterval
        var logger = logger
        logger[metadataKey: "output.name"] = "\(name)"
        self.logger = logger
        let thread = Thread { [self] in run() }
        thread.name = "jwtaudit-out"
        thread.start()
    }

    /// Queues the alerts at or above the minimum severity; drops and counts those that do not fit.
    func offer(_ alerts: [Alert]) {
        var accepted = 0
        var dropped = 0
        condition.lock()
        for alert in alerts where alert.severity >= minimumSeverity {
            if !closing && pending < capacity {
                queue.append(alert)
                pending += 1
                accepted += 1
            } else {
                dropped += 1
            }
        }
        if accepted > 0 {
            counters.accepted.add(Int64(accepted), ordering: .relaxed)
            counters.queued.add(Int64(accepted), ordering: .relaxed)
            condition.signal()
        }
        let warning = dropped > 0 ? recordLossLocked(dropped) : nil
        let reason = closing ? "output shut down" : "queue full"
        if dropped > 0 { counters.dropped.add(Int64(dropped), ordering: .relaxed) }
        condition.unlock()
        if let warning { warn(lost: warning, reason: reason) }
    }

    /// Waits `seconds` between attempts; returns `false` at once when shutdown gave up on the
    /// queue, so the delivery stops retrying.
    func pause(seconds: Double) -> Bool {
        let until = Date(timeIntervalSinceNow: seconds)
        condition.lock()
        defer { condition.unlock() }
        while !abandoned {
            if !condition.wait(until: until) { break }
        }
        return !abandoned
    }

    /// Whether shutdown's deadline passed and the remaining alerts were counted as dropped.
    var isAbandoned: Bool {
        condition.lock()
        defer { condition.unlock() }
        return abandoned
    }

    /// Closes the queue, lets the thread deliver what it holds until `deadline`, then counts the
    /// rest as dropped.
    func shutdown(deadline: ContinuousClock.Instant) async {
        closeQueue()
        while !isFinished && ContinuousClock.now < deadline && !Task.isCancelled {
            try? await Task.sleep(for: .milliseconds(5))
        }
        if !isFinished { abandon() }
    }

    private func closeQueue() {
        condition.lock()
        closing = true
        condition.broadcast()
        condition.unlock()
    }

    private var isFinished: Bool {
        condition.lock()
        defer { condition.unlock() }
        return finished
    }

    /// Counts every alert still held as dropped and tells the thread to stop.
    private func abandon() {
        condition.lock()
        guard !abandoned else {
            condition.unlock()
            return
        }
        abandoned = true
        let lost = pending
        pending = 0
        queue.removeAll()
        counters.queued.subtract(Int64(lost), ordering: .relaxed)
        counters.dropped.add(Int64(lost), ordering: .relaxed)
        let warning = lost > 0 ? recordLossLocked(lost, force: true) : nil
        condition.broadcast()
        condition.unlock()
        if let warning { warn(lost: warning, reason: "shutdown deadline passed") }
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !closing { condition.wait() }
            if abandoned || queue.isEmpty {
                condition.unlock()
                break
            }
            let batch = queue
            queue.removeAll(keepingCapacity: true)
            condition.unlock()
            for alert in batch {
                if isAbandoned { break }
                record(delivery.deliver(alert, worker: self))
            }
        }
        delivery.close()
        condition.lock()
        finished = true
        condition.broadcast()
        condition.unlock()
    }

    /// Counts one finished delivery, unless shutdown already counted it as dropped.
    private func record(_ outcome: DeliveryOutcome) {
        condition.lock()
        guard !abandoned else {
            condition.unlock()
            return
        }
        pending -= 1
        counters.queued.subtract(1, ordering: .relaxed)
        var warning: (lost: Int, reason: String)?
        switch outcome {
        case .sent:
            counters.sent.add(1, ordering: .relaxed)
        case .failed(let reason):
            counters.failed.add(1, ordering: .relaxed)
            if let lost = recordLossLocked(1) { warning = (lost, reason) }
        case .dropped(let reason):
            counters.dropped.add(1, ordering: .relaxed)
            if let lost = recordLossLocked(1) { warning = (lost, reason) }
        }
        condition.unlock()
        if let warning { warn(lost: warning.lost, reason: warning.reason) }
    }

    /// Adds `count` lost alerts; returns how many to report when a warning is due.
    private func recordLossLocked(_ count: Int, force: Bool = false) -> Int? {
        lostSinceWarning += count
        let now = ContinuousClock.now
        if !force, let lastWarning, now - lastWarning < warningInterval { return nil }
        lastWarning = now
        defer { lostSinceWarning = 0 }
        return lostSinceWarning
    }

    private func warn(lost: Int, reason: String) {
        logger.warning(
            "alert output lost alerts",
            metadata: [
                "output.lost": "\(lost)", "output.reason": "\(reason)",
                "output.dropped_total": "\(counters.dropped.load(ordering: .relaxed))",
                "output.failed_total": "\(counters.failed.load(ordering: .relaxed))",
            ]
        )
    }
}
