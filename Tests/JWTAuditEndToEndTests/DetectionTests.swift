import Foundation
import JWTAuditModel
import JWTAuditTesting
import Testing

/// The daemon with detection on, driven as a service would drive it.
@Suite struct DetectionTests {
    /// RFC 3339 for now plus `seconds`.
    private func ts(_ seconds: Double = 0) -> String {
        Timestamp.format(Int64((Date().timeIntervalSince1970 + seconds) * 1_000_000))
    }

    private func alerts(_ data: String, _ filters: [String] = []) throws -> [[String: Any]] {
        let result = try DaemonHarness.run(["alerts", "list", "--data", data, "--format", "ndjson", "--limit", "0"] + filters)
        #expect(result.status == 0, "alerts list failed: \(result.error)")
        return try result.output.split(separator: "\n").map { try replyObject(String($0)) }
    }

    private func send(_ daemon: DaemonHarness, _ lines: [String], client: String = "e2e") throws {
        let socket = try daemon.connectAcknowledged(client: client)
        try socket.send(lines.joined())
        _ = try socket.awaitAck(lines.count)
    }

    @Test("a brute force over the socket becomes one stored alert with its count, key, tags and samples")
    func bruteForce() throws {
        try withDaemon { daemon in
            let lines = (0..<25).map { index in
                EventLine.validate(ts: ts(Double(index) / 10), service: "api", outcome: "rejected", reason: "bad_signature", clientIP: "203.0.113.9")
            }
            try send(daemon, lines)
            var found: [[String: Any]] = []
            #expect(try eventually { found = try alerts(daemon.dataPath, ["--rule", "brute_force_signature"]); return found.first?["count"] as? Int == 25 })
            let alert = try #require(found.first)
            #expect(found.count == 1)
            #expect(alert["severity"] as? String == "high")
            #expect(alert["status"] as? String == "open")
            #expect((alert["key"] as? [String: String]) == ["client_ip": "203.0.113.9"])
            #expect((alert["compliance"] as? [String])?.contains("pci-dss:10.2.1.4") == true)
            #expect((alert["mitre"] as? [String])?.contains("T1110") == true)
            #expect(((alert["samples"] as? [[String: Any]])?.first?["reason"] as? String) == "bad_signature")
        }
    }

    @Test("the refresh-token ledger survives a restart: reuse of a token rotated before it is caught after it")
    func ledgerRestart() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        try send(daemon, [
            "{\"v\":1,\"ts\":\"\(ts())\",\"service\":\"auth\",\"kind\":\"issue\",\"token_type\":\"refresh\",\"jti\":\"r1\",\"family\":\"f1\",\"sub\":\"alice\",\"client_ip\":\"198.51.100.7\",\"user_agent\":\"app/2\"}\n",
            "{\"v\":1,\"ts\":\"\(ts(1))\",\"service\":\"auth\",\"kind\":\"rotate\",\"token_type\":\"refresh\",\"jti\":\"r2\",\"parent_jti\":\"r1\",\"family\":\"f1\",\"sub\":\"alice\",\"client_ip\":\"198.51.100.7\",\"user_agent\":\"app/2\"}\n",
        ])
        Thread.sleep(forTimeInterval: 0.5)
        #expect(try daemon.stop() == 0)
        try daemon.start()
        try send(daemon, [
            "{\"v\":1,\"ts\":\"\(ts(120))\",\"service\":\"auth\",\"outcome\":\"accepted\",\"token_type\":\"refresh\",\"jti\":\"r1\",\"sub\":\"alice\",\"client_ip\":\"203.0.113.66\",\"user_agent\":\"curl/8\"}\n"
        ])
        var found: [[String: Any]] = []
        #expect(try eventually { found = try alerts(daemon.dataPath, ["--rule", "refresh_token_reuse"]); return !found.isEmpty })
        #expect(found.first?["severity"] as? String == "critical")
        #expect((found.first?["key"] as? [String: String])?["family"] == "f1")
        #expect(try daemon.stop() == 0)
    }

    @Test("a producer's seq gap raises event_loss naming the producer")
    func sequenceGap() throws {
        try withDaemon { daemon in
            try send(daemon, [
                EventLine.validate(ts: ts(), seq: 1), EventLine.validate(ts: ts(), seq: 2), EventLine.validate(ts: ts(), seq: 9),
            ], client: "billing-7")
            var found: [[String: Any]] = []
            #expect(try eventually { found = try alerts(daemon.dataPath, ["--rule", "event_loss"]); return !found.isEmpty })
            #expect((found.first?["key"] as? [String: String])?["source"] == "billing-7")
            #expect(found.first?["count"] as? Int == 6)
        }
    }

    @Test("a bad rules file is refused at start with its line; on SIGHUP it keeps the old rules, a good one applies")
    func rulesReload() throws {
        let folder = try TemporaryDirectory()
        let rules = folder.file("rules.yaml")
        try "version: 1\nrules:\n  brute_force_signature:\n    threshold: zero\n".write(toFile: rules, atomically: true, encoding: .utf8)
        let refused = try DaemonHarness(extraArguments: ["--rules", rules])
        #expect(throws: DaemonHarness.Failure.self) { try refused.start() }
        #expect(refused.log(tail: 20).contains("rules.yaml:4"))

        try "version: 1\nrules:\n  brute_force_signature:\n    threshold: 30\n".write(toFile: rules, atomically: true, encoding: .utf8)
        let daemon = try DaemonHarness(extraArguments: ["--rules", rules])
        try daemon.start()
        let pid = try #require(daemon.pid)
        try "version: 1\nrules:\n  brute_force_signature:\n    treshold: 3\n".write(toFile: rules, atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        #expect(eventually { daemon.log(tail: 20).contains("rules not reloaded") })
        try "version: 1\nrules:\n  brute_force_signature:\n    threshold: 3\n".write(toFile: rules, atomically: true, encoding: .utf8)
        kill(pid, SIGHUP)
        #expect(eventually { daemon.log(tail: 20).contains("rules reloaded") })
        Thread.sleep(forTimeInterval: 0.3)
        try send(daemon, (0..<3).map { _ in
            EventLine.validate(ts: ts(), service: "api", outcome: "rejected", reason: "bad_signature", clientIP: "203.0.113.77")
        })
        #expect(try eventually { try !alerts(daemon.dataPath, ["--rule", "brute_force_signature"]).isEmpty })
        #expect(try daemon.stop() == 0)
    }

    @Test("rules test replays stored events and prints what a stricter file would raise, raising nothing")
    func backtest() throws {
        let folder = try TemporaryDirectory()
        let strict = folder.file("strict.yaml")
        try "version: 1\nrules:\n  key_probe:\n    threshold: 3\n".write(toFile: strict, atomically: true, encoding: .utf8)
        try withDaemon { daemon in
            try send(daemon, (0..<4).map { index in
                EventLine.validate(ts: ts(), service: "api", outcome: "rejected", reason: "key_unknown", clientIP: "203.0.113.5", extra: ["\"kid\":\"guess-\(index)\""])
            })
            let result = try DaemonHarness.run(["rules", "test", strict, "--data", daemon.dataPath, "--format", "ndjson"])
            #expect(result.status == 0, "\(result.error)")
            let lines = result.output.split(separator: "\n").map(String.init)
            #expect(lines.count == 1)
            #expect(try replyObject(lines[0])["rule"] as? String == "key_probe")
            #expect(result.error.contains("replayed 4 events"))
            #expect(try alerts(daemon.dataPath, ["--rule", "key_probe"]).isEmpty, "the daemon's defaults (10 kids) raise nothing")
        }
    }

    @Test("an alert configured to go to stdout comes out as one NDJSON line; a bad outputs entry is refused with its line")
    func stdoutOutput() throws {
        let folder = try TemporaryDirectory()
        let config = folder.file("jwtaudit.json")
        try "{\n  \"outputs\": [\n    {\"type\": \"stdout\", \"min_severity\": \"high\"}\n  ]\n}\n"
            .write(toFile: config, atomically: true, encoding: .utf8)
        try withDaemon(["--config", config]) { daemon in
            try send(daemon, [
                EventLine.validate(ts: ts(), service: "legacy", outcome: "accepted", clientIP: "203.0.113.44", extra: ["\"alg\":\"none\""])
            ])
            var line: Substring?
            #expect(eventually { line = daemon.log(tail: 50).split(separator: "\n").first { $0.hasPrefix("{") && $0.contains("alg_none_attempt") }; return line != nil })
            let alert = try replyObject(String(try #require(line)))
            #expect(alert["severity"] as? String == "critical")
            #expect((alert["key"] as? [String: String])?["client_ip"] == "203.0.113.44")
        }
        try "{\n  \"outputs\": [\n    {\"type\": \"carrier-pigeon\"}\n  ]\n}\n".write(toFile: config, atomically: true, encoding: .utf8)
        let refused = try DaemonHarness.run(["serve", "--config", config, "--socket", folder.file("s.sock"), "--data", folder.file("d")])
        #expect(refused.status != 0)
        #expect(refused.error.contains("jwtaudit.json:3"))
    }
}
