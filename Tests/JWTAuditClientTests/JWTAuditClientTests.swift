import Foundation
import JWTAuditClient
import JWTAuditTesting
import Testing

/// The client against the real daemon.
@Suite struct JWTAuditClientTests {
    private func client(_ daemon: DaemonHarness, service: String, _ adjust: (inout JWTAuditClient.Configuration) -> Void = { _ in })
        -> JWTAuditClient
    {
        var configuration = JWTAuditClient.Configuration(socketPath: daemon.socketPath, service: service)
        configuration.reconnectDelay = .milliseconds(20)
        configuration.maxReconnectDelay = .milliseconds(200)
        adjust(&configuration)
        return JWTAuditClient(configuration: configuration)
    }

    @Test("emitted events are stored once each, in seq order, under the client's producer name")
    func delivery() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let audit = client(daemon, service: "billing")
        for index in 0..<1_000 {
            var event = index % 4 == 0 ? JWTAuditEvent.rejected(.expired) : .accepted()
            event.sub = "user-\(index)"
            event.clientIP = "198.51.100.\(index % 200 + 1)"
            #expect(audit.emit(event))
        }
        #expect(audit.flush(timeout: .seconds(30)))
        let counters = audit.shutdown(timeout: .seconds(5))
        #expect(counters.emitted == 1_000 && counters.acknowledged == 1_000)
        #expect(counters.dropped == 0 && counters.rejected == 0 && counters.abandoned == 0)
        let events = try storedEvents(daemon.dataPath, ["--service", "billing"])
        #expect(sequences(events) == Array(1...1_000))
        #expect(Set(events.compactMap { $0["producer"] as? String }) == [audit.producer])
        #expect(events.filter { $0["reason"] as? String == "expired" }.count == 250)
        #expect(try daemon.stop() == 0)
    }

    @Test("a daemon killed mid-stream and started again: every event is stored exactly once")
    func killAndRestart() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let audit = client(daemon, service: "orders")
        for index in 0..<3_000 {
            var event = JWTAuditEvent.accepted()
            event.jti = "j-\(index)"
            audit.emit(event)
        }
        // Kill once the client is connected (on a slow machine, under a sanitizer, it may not be yet),
        // while some of those are written but not acknowledged; then emit more while the daemon is
        // away: they wait in the buffer.
        #expect(eventually(timeout: 30) { audit.counters.connected })
        try daemon.kill()
        for index in 3_000..<4_000 {
            var event = JWTAuditEvent.accepted()
            event.jti = "j-\(index)"
            #expect(audit.emit(event))
        }
        Thread.sleep(forTimeInterval: 0.3)
        #expect(!audit.counters.connected)
        try daemon.start()
        #expect(audit.flush(timeout: .seconds(60)))
        let counters = audit.shutdown(timeout: .seconds(5))
        #expect(counters.acknowledged == 4_000 && counters.abandoned == 0 && counters.dropped == 0)
        #expect(counters.reconnects >= 1)
        let events = try storedEvents(daemon.dataPath, ["--service", "orders"])
        #expect(sequences(events) == Array(1...4_000))
        #expect(Set(events.compactMap { $0["jti"] as? String }).count == 4_000)
        #expect(try daemon.stop() == 0)
    }

    @Test("a rejected event is counted by code and reported with its seq; the others are stored")
    func rejection() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let reported = Shared<[JWTAuditClient.Rejection]>([])
        let audit = client(daemon, service: "auth") { configuration in
            configuration.onRejection = { rejection in reported.update { $0.append(rejection) } }
        }
        audit.emit(.accepted())
        var bad = JWTAuditEvent.rejected(.badSignature)
        bad.clientIP = "not-an-address"
        audit.emit(bad)
        audit.emit(.rejected(.other))
        #expect(audit.flush(timeout: .seconds(30)))
        let counters = audit.shutdown(timeout: .seconds(5))
        #expect(counters.rejectedByCode == ["invalid_field": 1])
        #expect(counters.acknowledged == 2)
        let rejection = try #require(reported.value.first)
        #expect(rejection.seq == 2 && rejection.field == "client_ip")
        #expect(sequences(try storedEvents(daemon.dataPath, ["--service", "auth"])) == [1, 3])
        #expect(try daemon.stop() == 0)
    }

    @Test("without a daemon, emit returns at once; a full buffer drops the newest and counts it")
    func overflowWithoutDaemon() throws {
        let folder = try TemporaryDirectory(prefix: "jwtaudit-client")
        var configuration = JWTAuditClient.Configuration(socketPath: folder.file("absent.sock"), service: "api")
        configuration.bufferCapacity = 10
        configuration.maxInFlight = 5
        let audit = JWTAuditClient(configuration: configuration)
        let clock = ContinuousClock()
        // The client holds at most 15 events (10 buffered, 5 taken by its writer thread, which may
        // or may not have run meanwhile), so of 25 at least 10 are dropped, and the first 10 kept.
        var kept: [Int] = []
        let elapsed = clock.measure {
            for seq in 1...25 where audit.emit(.accepted()) { kept.append(seq) }
        }
        #expect(kept.count <= 15 && kept.prefix(10) == Array(1...10)[...], "\(kept)")
        #expect(elapsed < .milliseconds(50))
        #expect(audit.counters.dropped == 25 - kept.count)
        #expect(!audit.flush(timeout: .milliseconds(100)))
        let counters = audit.shutdown(timeout: .milliseconds(200))
        #expect(counters.abandoned == kept.count)
        #expect(!audit.emit(.accepted()))
    }

    @Test("dropped events leave a gap in seq that the daemon reports as event_loss")
    func dropsAreVisibleToTheDaemon() throws {
        let daemon = try DaemonHarness()
        let audit = client(daemon, service: "gaps") { configuration in
            configuration.bufferCapacity = 5
            configuration.maxInFlight = 5
            configuration.producer = "gaps-test"
        }
        // The daemon is not up yet: the client holds at most 10 events (5 buffered, 5 in flight), so
        // of 20 emitted at least 10 are dropped; which ones depends on when its writer thread runs.
        var kept: [Int] = []
        for seq in 1...20 where audit.emit(.accepted()) { kept.append(seq) }
        #expect(kept.count <= 10 && kept.prefix(5) == [1, 2, 3, 4, 5], "\(kept)")
        try daemon.start()
        #expect(audit.flush(timeout: .seconds(30)))
        audit.emit(.accepted())
        #expect(audit.flush(timeout: .seconds(30)))
        #expect(audit.counters.dropped == 20 - kept.count)
        #expect(sequences(try storedEvents(daemon.dataPath, ["--service", "gaps"])) == kept + [21])
        var alerts: [String] = []
        #expect(
            try eventually {
                let result = try DaemonHarness.run(["alerts", "list", "--data", daemon.dataPath, "--format", "ndjson", "--rule", "event_loss"])
                alerts = result.output.split(separator: "\n").map(String.init)
                return !alerts.isEmpty
            })
        #expect(alerts.first?.contains("gaps-test") == true)
        _ = audit.shutdown(timeout: .seconds(5))
        #expect(try daemon.stop() == 0)
    }
}
