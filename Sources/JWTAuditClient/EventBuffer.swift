/// The state the callers and the writer share, all under one ``ConditionLock``: the bounded ring
/// of events, the `seq` counter, the counters, and the shutdown request.
final class EventBuffer: @unchecked Sendable {
    /// An event waiting for the writer, with its `seq`.
    struct Slot {
        var event: JWTAuditEvent
        var seq: Int64
    }

    /// What the writer learns each time it takes events.
    struct WriterView {
        /// Whether a shutdown was requested.
        var closing: Bool
        /// When the shutdown gives up (monotonic nanoseconds).
        var deadline: UInt64
        /// Whether the ring is empty after the take.
        var drained: Bool
    }

    let lock = ConditionLock()
    private let policy: JWTAuditClient.OverflowPolicy
    private var ring: [Slot?]
    private var head = 0
    private var count = 0
    private var nextSequence: Int64
    private var counters = JWTAuditClient.Counters()
    /// Events ever taken into the ring, and those of them settled (acknowledged or abandoned).
    private var enqueued = 0
    private var settled = 0
    private var writerWaiting = false
    private var spaceWaiters = 0
    private var progressWaiters = 0
    private var closing = false
    private var closeDeadline: UInt64 = .max
    private(set) var writerDone = false

    init(capacity: Int, policy: JWTAuditClient.OverflowPolicy, firstSequence: Int64) {
        ring = [Slot?](repeating: nil, count: max(1, capacity))
        self.policy = policy
        nextSequence = firstSequence
    }

    // MARK: Callers

    /// Puts `event` into the ring, or applies the overflow policy. Never throws.
    @inline(__always)
    func enqueue(_ event: JWTAuditEvent) -> Bool {
        lock.withLock {
            if count == ring.count, !closing, case .wait(let timeout) = policy {
                let deadline = MonotonicTime.deadline(after: timeout)
                spaceWaiters += 1
                while count == ring.count && !closing {
                    if !lock.wait(.space, until: deadline) { break }
                }
                spaceWaiters -= 1
            }
            guard count < ring.count, !closing else {
                counters.dropped += 1
                // The number is used up: the daemon sees the gap (event_loss).
                if !closing { nextSequence += 1 }
                return false
            }
            var index = head + count
            if index >= ring.count { index -= ring.count }
            ring[index] = Slot(event: event, seq: nextSequence)
            nextSequence += 1
            count += 1
            enqueued += 1
            counters.emitted += 1
            if writerWaiting {
                writerWaiting = false
                lock.signal(.work)
            }
            return true
        }
    }

    /// A snapshot of the counters.
    var snapshot: JWTAuditClient.Counters {
        lock.withLock {
            var copy = counters
            copy.buffered = count
            return copy
        }
    }

    /// Waits until every event enqueued before the call is settled, or `deadline`. Returns whether
    /// all were acknowledged (none abandoned in between counts as failure only if abandoned).
    func waitUntilSettled(deadline: UInt64) -> Bool {
        lock.withLock {
            let target = enqueued
            progressWaiters += 1
            defer { progressWaiters -= 1 }
            while settled < target && !writerDone {
                if !lock.wait(.progress, until: deadline) { break }
            }
            return settled >= target && counters.abandoned == 0
        }
    }

    /// Asks the writer to finish by `deadline`; later events are dropped.
    func requestClose(deadline: UInt64) {
        lock.withLock {
            if !closing || deadline < closeDeadline { closeDeadline = deadline }
            closing = true
            lock.signal(.work)
            lock.broadcast(.space)
        }
    }

    /// Waits until the writer thread has finished, or `deadline`.
    func waitForWriter(deadline: UInt64) -> Bool {
        lock.withLock {
            progressWaiters += 1
            defer { progressWaiters -= 1 }
            while !writerDone {
                if !lock.wait(.progress, until: deadline) { break }
            }
            return writerDone
        }
    }

    // MARK: Writer

    /// Moves up to `limit` events into `batch`.
    func take(into batch: inout [Slot], limit: Int) -> WriterView {
        lock.withLock {
            let taken = min(limit, count)
            for _ in 0..<taken {
                batch.append(ring[head]!)
                ring[head] = nil
                head += 1
                if head == ring.count { head = 0 }
            }
            count -= taken
            if taken > 0 && spaceWaiters > 0 { lock.broadcast(.space) }
            return WriterView(closing: closing, deadline: closeDeadline, drained: count == 0)
        }
    }

    /// Sleeps until an event arrives, a shutdown is requested, or `deadline` (nil: no limit).
    /// Returns at once when there is work, unless `evenIfQueued` (a reconnection delay).
    func waitForWork(until deadline: UInt64?, evenIfQueued: Bool = false) {
        lock.withLock {
            guard evenIfQueued || (count == 0 && !closing) else { return }
            // A reconnection delay is not cut short by events (waking the writer per emit would
            // cost each caller a system call); only a shutdown request ends it early.
            writerWaiting = !evenIfQueued
            lock.wait(.work, until: deadline)
            writerWaiting = false
        }
    }

    /// Publishes what the writer did since its last report.
    func publish(_ report: WriterReport) {
        lock.withLock {
            settled += report.settled + report.abandoned
            counters.acknowledged += report.settled
            counters.acknowledged -= report.rejectedByCode.values.reduce(0, +)
            for (code, number) in report.rejectedByCode { counters.rejectedByCode[code, default: 0] += number }
            counters.resent += report.resent
            counters.reconnects += report.reconnects
            counters.abandoned += report.abandoned
            counters.inFlight = report.inFlight
            counters.connected = report.connected
            if report.finished { writerDone = true }
            if progressWaiters > 0 { lock.broadcast(.progress) }
        }
    }

    /// Counts the ring's remaining events as abandoned (the writer gave up).
    func abandonQueued() -> Int {
        lock.withLock {
            let abandoned = count
            for _ in 0..<count {
                ring[head] = nil
                head += 1
                if head == ring.count { head = 0 }
            }
            count = 0
            return abandoned
        }
    }
}

/// What the writer did between two ``EventBuffer/publish(_:)`` calls.
struct WriterReport {
    /// Lines acknowledged (stored or rejected).
    var settled = 0
    /// Rejections per code.
    var rejectedByCode: [String: Int] = [:]
    /// Lines resent after a reconnect.
    var resent = 0
    /// Reconnections.
    var reconnects = 0
    /// Events given up at shutdown.
    var abandoned = 0
    /// Lines waiting for an ack now.
    var inFlight = 0
    /// Whether a connection is up now.
    var connected = false
    /// Whether the writer has ended.
    var finished = false

    /// Whether anything changed that callers may wait for.
    var isEmpty: Bool { settled == 0 && rejectedByCode.isEmpty && resent == 0 && reconnects == 0 && abandoned == 0 }
}
