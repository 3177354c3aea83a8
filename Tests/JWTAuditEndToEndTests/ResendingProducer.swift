import Foundation
import JWTAuditLoad
import JWTAuditTesting
import NIOConcurrencyHelpers

/// A producer in acknowledged mode that behaves as the protocol asks of one: it numbers its
/// events with `seq`, keeps every line until it is acknowledged, and when the connection breaks
/// (the daemon was killed, or refused a line with `storage_unavailable`) it reconnects and
/// resends everything unacknowledged, in order, with the same `seq`. Runs on its own thread.
///
/// Each connection starts with the first unacknowledged `seq` and sends ascending numbers, so an
/// `{"ack":N}` on it means every `seq` up to `base + N - 1` is stored: ``acknowledged`` is
/// always a prefix `1...acknowledged` of the numbers.
final class ResendingProducer: @unchecked Sendable {
    /// The `hello.client` name.
    let name: String
    private let socketPath: String
    /// Unacknowledged lines in flight at most.
    private let window: Int
    private let state = NIOLockedValueBox(State())
    private var thread: Thread?

    private struct State {
        var acknowledged = 0
        var sent = 0
        var connections = 0
        var refusals = 0
        var stalls = 0
        var otherErrors: [String] = []
        var stopping = false
        var finished = false
        var failure: String?
    }

    init(name: String, socketPath: String, window: Int = 2_000) {
        self.name = name
        self.socketPath = socketPath
        self.window = window
    }

    /// The highest `seq` acknowledged (every number up to it is).
    var acknowledged: Int { state.withLockedValue { $0.acknowledged } }
    /// The highest `seq` sent at least once.
    var sent: Int { state.withLockedValue { $0.sent } }
    /// Connections opened (successful hellos).
    var connections: Int { state.withLockedValue { $0.connections } }
    /// `storage_unavailable` answers received.
    var refusals: Int { state.withLockedValue { $0.refusals } }
    /// Connections given up for lack of any ack for 20 s while lines were unacknowledged (a real
    /// producer would do the same; none expected in these tests).
    var stalls: Int { state.withLockedValue { $0.stalls } }
    /// A one-line summary for failure messages.
    var summary: String {
        state.withLockedValue {
            "\(name): acknowledged \($0.acknowledged), sent \($0.sent), connections \($0.connections), "
                + "refusals \($0.refusals), stalls \($0.stalls)"
        }
    }
    /// Any other error answers (none expected: every line is valid).
    var otherErrors: [String] { state.withLockedValue { $0.otherErrors } }
    /// Why the producer gave up, if it did.
    var failure: String? { state.withLockedValue { $0.failure } }
    var isFinished: Bool { state.withLockedValue { $0.finished } }

    /// The event line with number `seq`: its `jti` names producer and number; one in seven falls
    /// on the day before, so commits span two partitions.
    static func line(producer: String, seq: Int) -> String {
        let ts = seq % 7 == 0 ? "2026-11-28T23:59:59.\(String(format: "%03d", seq % 1000))Z" : "2026-11-29T00:00:01Z"
        return EventLine.validate(
            ts: ts, service: "crash-\(producer)", sub: "u\(seq % 50)", jti: "\(producer)-\(seq)", seq: seq)
    }

    func start() {
        let thread = Thread { [self] in run() }
        thread.name = "producer-\(name)"
        self.thread = thread
        thread.start()
    }

    /// Stops making new events; the thread ends once everything sent is acknowledged.
    func finish() {
        state.withLockedValue { $0.stopping = true }
    }

    /// Waits until the thread ended or `timeout` seconds passed; returns whether it ended.
    func wait(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if isFinished { return true }
            Thread.sleep(forTimeInterval: 0.05)
        }
        return isFinished
    }

    private func run() {
        var lastProgress = Date()
        var acknowledgedAtProgress = 0
        while true {
            let (stopping, acknowledged, sent) = state.withLockedValue { ($0.stopping, $0.acknowledged, $0.sent) }
            if stopping && acknowledged == sent { break }
            if acknowledged != acknowledgedAtProgress {
                acknowledgedAtProgress = acknowledged
                lastProgress = Date()
            } else if Date().timeIntervalSince(lastProgress) > 120 {
                state.withLockedValue {
                    $0.failure = "no acknowledgement for 120 s (acknowledged \(acknowledged), sent \(sent))"
                }
                break
            }
            do {
                try session()
            } catch {
                // The daemon is down or closed the connection: reconnect after a short pause.
                Thread.sleep(forTimeInterval: 0.05)
            }
        }
        state.withLockedValue { $0.finished = true }
    }

    /// One connection: resend everything unacknowledged, then keep the window full.
    private func session() throws {
        let client = try AcknowledgedClient(
            socketPath: socketPath, clientName: name, helloTimeout: .seconds(10), idleTimeout: .seconds(30))
        defer { client.close() }
        let base = state.withLockedValue { state in
            state.connections += 1
            return state.acknowledged + 1
        }
        var next = base
        client.onAck = { [self] lines in
            state.withLockedValue { $0.acknowledged = max($0.acknowledged, base + lines - 1) }
        }
        client.onError = { [self] error in
            state.withLockedValue { state in
                if error.code == "storage_unavailable" {
                    state.refusals += 1
                } else {
                    state.otherErrors.append(error.description)
                }
            }
        }
        var lastAck = (count: 0, at: Date())
        while true {
            let (stopping, acknowledged, sent) = state.withLockedValue { ($0.stopping, $0.acknowledged, $0.sent) }
            if stopping && acknowledged == sent { return }
            if client.isClosedByPeer { throw LoadError(.connectionLost, "closed") }
            if acknowledged != lastAck.count || acknowledged + 1 >= next {
                lastAck = (acknowledged, Date())
            } else if Date().timeIntervalSince(lastAck.at) > 20 {
                state.withLockedValue { $0.stalls += 1 }
                throw LoadError(.timeout, "no ack for 20 s")
            }
            // Resend what this connection has not carried yet, then new events within the window.
            let limit = stopping ? sent : max(sent, acknowledged + window)
            if next <= limit {
                let last = min(limit, next + 199)
                var bytes: [UInt8] = []
                for seq in next...last { bytes += Self.line(producer: name, seq: seq).utf8 }
                try client.write(bytes)
                next = last + 1
                state.withLockedValue { $0.sent = max($0.sent, last) }
            } else {
                try client.processReplies(timeout: .milliseconds(50))
            }
        }
    }
}
