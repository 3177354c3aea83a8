import Foundation
import JWTAuditTesting
import Synchronization
import Testing

/// Clients that misuse the socket: silent, stalled, deaf to their replies, too many, too fast.
/// Each is cut off or slowed down by a documented limit, while other clients keep working and the
/// daemon's memory stays bounded.
@Suite("Abusive clients", .serialized)
struct AbusiveClientTests {
    @Test("silent, half-line and one-byte-at-a-time clients get line_timeout and are closed; an idle client is not")
    func lineTimeouts() throws {
        let config = try ConfigurationFixture(
            "{\"first_line_timeout_seconds\": 2, \"partial_line_timeout_seconds\": 2}"
        )
        try withDaemon(["--config", config.path, "--metrics-without-token-on-loopback"]) { daemon in
            let started = Date()
            let silent = try daemon.connect()
            let half = try daemon.connectAcknowledged(client: "half")
            try half.send("{\"v\":1,\"ts\":\"2026-11-29T10:")
            let idle = try daemon.connectAcknowledged(client: "idle")
            try idle.send(EventLine.validate(sub: "idle-1"))
            try idle.awaitAck(1)

            // One byte every 200 ms: always sending, never finishing a line.
            let slow = try daemon.connectAcknowledged(client: "slow")
            var slowAnswer: String?
            let slowLine = Array(EventLine.validate(sub: "slowloris", extra: [String(repeating: " ", count: 200)]).utf8)
            for byte in slowLine {
                let progress = slow.sendAvailable([byte], timeout: 1)
                if progress.peerClosed { break }
                if let line = try slow.readLine(timeout: 0.2) {
                    slowAnswer = line
                    break
                }
            }

            for (name, client) in [("silent", silent), ("half", half)] {
                let answer = try #require(try client.readLine(timeout: 10), "\(name): no answer")
                let error = try #require(try replyObject(answer)["error"] as? [String: Any], "\(name): \(answer)")
                #expect(error["code"] as? String == "line_timeout", "\(name): \(answer)")
                #expect(error["line"] as? Int == 0)
                #expect(client.awaitClose(timeout: 5), "\(name): the connection stays open")
            }
            let slowError = try replyObject(try #require(slowAnswer, "the slow client was never cut off"))
            #expect((slowError["error"] as? [String: Any])?["code"] as? String == "line_timeout")
            #expect(slow.awaitClose(timeout: 5))
            #expect(Date().timeIntervalSince(started) >= 1.9, "closed before the timeout")

            // Idle between complete lines for longer than both timeouts: still served.
            Thread.sleep(forTimeInterval: max(0, 4.5 - Date().timeIntervalSince(started)))
            try idle.send(EventLine.validate(sub: "idle-2"))
            try idle.awaitAck(2)
            let subjects = Set(try searchEvents(daemon.dataPath).compactMap { $0["sub"] as? String })
            #expect(subjects == ["idle-1", "idle-2"], "nothing of the cut-off lines is stored")
            #expect(daemon.log(tail: 50).contains("line not completed in time"))
            #expect(try daemon.metric("jwtaudit_connections_closed_total{reason=\"line_timeout\"}") == 3)
        }
    }

    @Test(
        "a client that never reads its replies stops being read, is closed after the stall timeout; memory is bounded"
    )
    func deafClient() throws {
        let config = try ConfigurationFixture("{\"max_outbound_bytes\": 65536, \"write_stall_timeout_seconds\": 3}")
        try withDaemon(["--config", config.path, "--metrics-without-token-on-loopback"]) { daemon in
            let before = try #require(ResidentMemory.kibibytes(daemon.pid))
            let deaf = try daemon.connectAcknowledged(client: "deaf")
            deaf.setReceiveBuffer(4_096)
            // 32,768 bad lines per chunk: each is answered with an error line about 60 times its size.
            let chunk = [UInt8](repeating: 0, count: 65_536).enumerated().map {
                $0.offset % 2 == 0 ? UInt8(ascii: "x") : 0x0A
            }
            var written = 0
            var closed = false
            let started = Date()
            while Date().timeIntervalSince(started) < 30 {
                let progress = deaf.sendAvailable(chunk, timeout: 0.5)
                written += progress.written
                if progress.peerClosed {
                    closed = true
                    break
                }
            }
            let elapsed = Date().timeIntervalSince(started)
            #expect(closed, "the deaf client was not closed within 30 s (it wrote \(written) bytes)")
            #expect(elapsed >= 2.5, "closed after \(elapsed) s, before the stall timeout")
            #expect(
                written < 32 << 20,
                "the daemon kept reading: \(written) bytes taken from a client that reads nothing"
            )
            let after = try #require(ResidentMemory.kibibytes(daemon.pid))
            #expect(
                !ResidentMemory.boundsApply || after - before < 100_000,
                "resident memory grew from \(before) KiB to \(after) KiB")

            let other = try daemon.connectAcknowledged(client: "other")
            try other.send(EventLine.validate(sub: "after-deaf"))
            try other.awaitAck(1)
            #expect(daemon.log(tail: 50).contains("has not read its replies in time"))
            #expect(try daemon.metric("jwtaudit_connections_closed_total{reason=\"write_stall\"}") == 1)
        }
    }

    @Test("a fire-and-forget flood of bad lines is read only as fast as the quarantine takes it: memory stays bounded")
    func badLineFlood() throws {
        try withDaemon { daemon in
            let before = try #require(ResidentMemory.kibibytes(daemon.pid))
            let flood = try daemon.connect()
            let chunk = [UInt8](repeating: 0, count: 1 << 20).enumerated().map {
                $0.offset % 2 == 0 ? UInt8(ascii: "x") : 0x0A
            }
            var written = 0
            var peak = before
            let started = Date()
            while Date().timeIntervalSince(started) < 8 {
                written += flood.sendAvailable(chunk, timeout: 0.5).written
                peak = max(peak, ResidentMemory.kibibytes(daemon.pid) ?? 0)
            }
            #expect(
                !ResidentMemory.boundsApply || peak - before < 300_000,
                "resident memory grew from \(before) KiB to \(peak) KiB")
            let other = try daemon.connectAcknowledged(client: "beside-bad-lines")
            try other.send(EventLine.validate(sub: "beside"))
            try other.awaitAck(1, timeout: 60)
            print("bad-line flood: \(written / 2) lines written in 8 s, resident \(before) -> \(peak) KiB")
        }
    }

    @Test(
        "1,000 idle connections cost little; one over max_connections gets too_many_connections; others are served"
    )
    func manyIdleConnections() throws {
        let config = try ConfigurationFixture("{\"max_connections\": 1001}")
        try withDaemon(["--config", config.path, "--metrics-without-token-on-loopback"]) { daemon in
            let before = try #require(ResidentMemory.kibibytes(daemon.pid))
            var idle: [RawSocketClient] = []
            for _ in 0..<1_000 {
                let client = try daemon.connect()
                try client.send(RawSocketClient.hello(client: "idle-\(idle.count)"))
                idle.append(client)
            }
            for client in idle {
                #expect(try client.readLine(timeout: 30)?.hasPrefix("{\"hello\":") == true)
            }
            let withIdle = try #require(ResidentMemory.kibibytes(daemon.pid))
            #expect(
                !ResidentMemory.boundsApply || withIdle - before < 100_000,
                "1,000 idle connections took \(withIdle - before) KiB")

            let worker = try daemon.connectAcknowledged(client: "worker")
            let refused = try daemon.connect()
            let answer = try #require(try refused.readLine(timeout: 10), "no answer to the connection over the limit")
            let error = try #require(try replyObject(answer)["error"] as? [String: Any], "\(answer)")
            #expect(error["code"] as? String == "too_many_connections")
            #expect((error["message"] as? String)?.contains("1001") == true)
            #expect(refused.awaitClose(timeout: 5))

            let lines = (0..<500).map { EventLine.validate(sub: "worker-\($0)") }.joined()
            try worker.send(lines)
            try worker.awaitAck(500)

            idle.removeLast()
            #expect(
                eventually(timeout: 10) {
                    guard let client = try? daemon.connect(),
                        (try? client.send(RawSocketClient.hello(client: "late"))) != nil
                    else { return false }
                    return (try? client.readLine(timeout: 2))?.hasPrefix("{\"hello\":") == true
                },
                "a freed slot is not given to a new client"
            )
            #expect(try searchEvents(daemon.dataPath).count == 500)
            #expect(daemon.log(tail: 50).contains("connection refused: too many open"))
            #expect(try daemon.metric("jwtaudit_connections_closed_total{reason=\"too_many_connections\"}") ?? 0 >= 1)
        }
    }

    @Test("a flood without a rate limit does not starve another client: it keeps a generous share of the writer")
    func floodIsShared() throws {
        try withDaemon { daemon in
            let before = try #require(ResidentMemory.kibibytes(daemon.pid))
            let alone = try Self.victimRate(daemon, client: "victim-alone", events: 20_000)
            let flood = Flooder(daemon: daemon)
            Thread.sleep(forTimeInterval: 1)
            let shared = try Self.victimRate(daemon, client: "victim-shared", events: 20_000)
            let single = try daemon.connectAcknowledged(client: "single")
            let sent = Date()
            try single.send(EventLine.validate(sub: "single"))
            try single.awaitAck(1, timeout: 30)
            let latency = Date().timeIntervalSince(sent)
            let peak = ResidentMemory.kibibytes(daemon.pid) ?? 0
            let flooded = flood.stop()
            #expect(flooded > 10_000, "the flood did not flood: \(flooded) lines acknowledged")
            // Both keep up to their in-flight window queued (the flood 8,192, the victim 4,096), and the
            // writer commits in arrival order, so the victim's fair share is about a third.
            #expect(shared >= alone / 10, "victim: \(Int(alone)) events/s alone, \(Int(shared)) beside the flood")
            #expect(latency < 10, "one event took \(latency) s to be acknowledged beside the flood")
            #expect(
                !ResidentMemory.boundsApply || peak - before < 300_000,
                "resident memory grew from \(before) KiB to \(peak) KiB")
            print(
                "flood: victim \(Int(alone))/s alone, \(Int(shared))/s beside \(flooded) flood lines; "
                    + "one event: \(latency) s"
            )
        }
    }

    @Test("max_lines_per_second slows a flooding connection to its budget without dropping anything")
    func rateLimit() throws {
        let config = try ConfigurationFixture("{\"max_lines_per_second\": 2000}")
        try withDaemon(["--config", config.path]) { daemon in
            let alone = try Self.victimRate(daemon, client: "victim-alone", events: 6_000)
            let started = Date()
            let flood = Flooder(daemon: daemon)
            let shared = try Self.victimRate(daemon, client: "victim-shared", events: 6_000)
            Thread.sleep(forTimeInterval: max(0, 4 - Date().timeIntervalSince(started)))
            let flooded = flood.stop()
            let elapsed = Date().timeIntervalSince(started)
            #expect(flooded <= Int(2_000 * (elapsed + 1) * 1.25), "\(flooded) lines in \(elapsed) s at 2,000 a second")
            #expect(flooded >= Int(2_000 * elapsed * 0.5), "the flooder was starved: \(flooded) lines in \(elapsed) s")
            // The writer is far from busy, so the victim should keep nearly all of its rate; a quarter
            // leaves room for a loaded machine (the whole suite runs in parallel on two cores).
            #expect(shared >= alone / 4, "victim: \(Int(alone)) events/s alone, \(Int(shared)) beside the flood")
            #expect(try searchEvents(daemon.dataPath, ["--service", "flood"]).count == flooded)
            print(
                "rate: flood \(flooded) lines in \(elapsed) s; victim \(Int(alone))/s alone, \(Int(shared))/s beside"
            )
        }
    }

    @Test("max_lines_per_second_per_uid holds all connections of one uid to one budget; pauses are counted")
    func perUIDRateLimit() throws {
        let config = try ConfigurationFixture("{\"max_lines_per_second_per_uid\": 2000}")
        try withDaemon(["--config", config.path, "--metrics-without-token-on-loopback"]) { daemon in
            let started = Date()
            let floods = (0..<3).map { Flooder(daemon: daemon, client: "flood-\($0)") }
            Thread.sleep(forTimeInterval: 4)
            let flooded = floods.map { $0.stop() }
            let elapsed = Date().timeIntervalSince(started)
            let total = flooded.reduce(0, +)
            // The bucket starts full: one second's lines on top of the rate.
            #expect(total <= Int(2_000 * (elapsed + 1) * 1.25), "\(flooded) lines in \(elapsed) s at 2,000 a second")
            #expect(total >= Int(2_000 * elapsed * 0.5), "the uid was starved: \(flooded) lines in \(elapsed) s")
            let stored = try searchEvents(daemon.dataPath, ["--service", "flood"]).count
            #expect(stored == total)
            let pauses = try daemon.metric("jwtaudit_rate_limit_pauses_total")
            #expect((pauses ?? 0) > 0)
        }
    }

    @Test("each limit is a setting of the configuration file; a value out of its range is refused with line and field")
    func limitsAreSettings() throws {
        let cases: [(key: String, value: String, range: String)] = [
            ("max_connections", "0", "1 to 1000000"), ("first_line_timeout_seconds", "-1", "0 to 86400"),
            ("partial_line_timeout_seconds", "86401", "0 to 86400"),
            ("max_outbound_bytes", "1024", "4096 to 1073741824"),
            ("write_stall_timeout_seconds", "1.5", "0 to 86400"),
            ("max_lines_per_second", "\"fast\"", "0 to 100000000"),
            ("max_lines_per_second_per_uid", "-5", "0 to 100000000"),
            ("max_in_flight_events", "0", "1 to 10000000"),
        ]
        for (key, value, range) in cases {
            let config = try ConfigurationFixture("{\n  \"\(key)\": \(value)\n}\n")
            let result = try DaemonHarness.run(["serve", "--config", config.path, "--data", config.folder.file("data")])
            #expect(result.status != 0, "\(key): \(value) accepted")
            #expect(
                result.error.contains("jwtaudit.json:2: field \(key): must be an integer from \(range)"),
                "\(key): \(result.error)"
            )
        }
        let valid = try ConfigurationFixture(
            """
            {"max_connections": 10, "first_line_timeout_seconds": 0, "partial_line_timeout_seconds": 5,
             "max_outbound_bytes": 4096, "write_stall_timeout_seconds": 0, "max_lines_per_second": 1}
            """
        )
        try withDaemon(["--config", valid.path]) { daemon in
            let client = try daemon.connectAcknowledged(client: "valid-limits")
            try client.send(EventLine.validate(sub: "limits"))
            try client.awaitAck(1)
        }
    }

    /// Acknowledged events per second of a producer that sends `events` lines in chunks of 500,
    /// keeping at most `window` unacknowledged, as a real producer does.
    static func victimRate(
        _ daemon: DaemonHarness,
        client name: String,
        events: Int,
        window: Int = 4_096
    ) throws
        -> Double
    {
        let client = try daemon.connectAcknowledged(client: name)
        let started = Date()
        var sent = 0
        var acknowledged = 0
        while acknowledged < events {
            while sent < events && sent - acknowledged + 500 <= window {
                try client.send((sent..<sent + 500).map { EventLine.validate(sub: "\(name)-\($0)") }.joined())
                sent += 500
            }
            let line = try #require(try client.readLine(timeout: 60), "\(name): no ack within 60 s")
            #expect(!line.contains("\"error\""), "\(line)")
            if let ack = RawSocketClient.ackValue(line) { acknowledged = ack }
        }
        return Double(events) / Date().timeIntervalSince(started)
    }
}

/// A client on its own thread that writes events as fast as the daemon takes them and reads its
/// acks, until stopped.
final class Flooder: @unchecked Sendable {
    private final class State: Sendable {
        let stopping = Atomic(false)
        let acknowledged = Atomic(0)
    }

    private let state = State()
    private let thread: Thread
    private let done = DispatchSemaphore(value: 0)

    init(daemon: DaemonHarness, client name: String = "flood") {
        let path = daemon.socketPath
        let state = state
        let done = done
        thread = Thread {
            defer { done.signal() }
            guard let client = try? RawSocketClient(path: path),
                (try? client.send(RawSocketClient.hello(client: name))) != nil,
                (try? client.readLine(timeout: 10)) != nil
            else { return }
            let chunk = Array((0..<2_000).map { EventLine.validate(service: "flood", sub: "f-\($0)") }.joined().utf8)
            var offset = 0
            func collectAcks(timeout: Double) {
                while let line = try? client.readLine(timeout: timeout) {
                    if let ack = RawSocketClient.ackValue(line) { state.acknowledged.store(ack, ordering: .relaxed) }
                }
            }
            while !state.stopping.load(ordering: .relaxed) {
                let progress = client.sendAvailable(Array(chunk[offset...]), timeout: 0.05)
                if progress.peerClosed { return }
                offset = (offset + progress.written) % chunk.count
                collectAcks(timeout: 0.001)
            }
            // Finish the line in progress, then collect the last acks.
            while offset != 0 {
                let progress = client.sendAvailable(Array(chunk[offset...]), timeout: 0.05)
                if progress.peerClosed { return }
                offset = (offset + progress.written) % chunk.count
                collectAcks(timeout: 0.001)
            }
            client.finishSending()
            collectAcks(timeout: 10)
        }
        thread.start()
    }

    /// Stops the flood; returns the lines acknowledged.
    func stop() -> Int {
        state.stopping.store(true, ordering: .relaxed)
        done.wait()
        return state.acknowledged.load(ordering: .relaxed)
    }
}
