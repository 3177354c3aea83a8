import Foundation
import JWTAuditTesting
import Testing

@Suite("Search and stats", .serialized)
struct SearchTests {
    /// 12 events over three days, two services, varied subjects, tokens, addresses and outcomes.
    static let lines: [String] = [
        EventLine.validate(ts: "2026-11-27T08:00:00Z", service: "api", sub: "alice", jti: "j1", clientIP: "10.0.0.1"),
        EventLine.validate(ts: "2026-11-27T09:00:00Z", service: "api", outcome: "rejected", reason: "expired", sub: "bob", jti: "j2", clientIP: "10.0.0.2"),
        EventLine.validate(ts: "2026-11-28T10:00:00Z", service: "web", sub: "alice", jti: "j3", clientIP: "10.0.0.1"),
        EventLine.validate(ts: "2026-11-28T11:00:00Z", service: "web", outcome: "rejected", reason: "bad_signature", sub: "carol", jti: "j4", clientIP: "2001:db8::1"),
        EventLine.validate(ts: "2026-11-28T12:00:00.250+01:00", service: "api", outcome: "rejected", reason: "bad_signature", sub: "mallory", jti: "j5", clientIP: "2001:db8::1"),
        EventLine.validate(ts: "2026-11-29T00:00:00Z", service: "api", sub: "alice", jti: "j6", clientIP: "10.0.0.3"),
        EventLine.validate(ts: "2026-11-29T01:00:00Z", service: "web", sub: "bob", jti: "j7", clientIP: "10.0.0.2"),
        EventLine.validate(ts: "2026-11-29T02:00:00Z", service: "web", outcome: "rejected", reason: "expired", sub: "alice", jti: "j8", clientIP: "10.0.0.1"),
        EventLine.validate(ts: "2026-11-29T03:00:00Z", service: "api", sub: "dave", jti: "j9", clientIP: "10.0.0.4"),
        EventLine.validate(ts: "2026-11-29T04:00:00Z", service: "api", outcome: "rejected", reason: "alg_none", sub: "eve", jti: "j10", clientIP: "10.0.0.5"),
        EventLine.validate(ts: "2026-11-29T05:00:00Z", service: "web", sub: "alice", jti: "j11", clientIP: "10.0.0.1"),
        EventLine.validate(ts: "2026-11-29T06:00:00Z", service: "web", sub: "frank", jti: "j3", clientIP: "10.0.0.6"),
    ]

    static let cases: [(filters: [String], jtis: [String])] = [
        ([], ["j1", "j2", "j3", "j4", "j5", "j6", "j7", "j8", "j9", "j10", "j11", "j3"]),
        (["--service", "web"], ["j3", "j4", "j7", "j8", "j11", "j3"]),
        (["--sub", "alice"], ["j1", "j3", "j6", "j8", "j11"]),
        (["--jti", "j3"], ["j3", "j3"]),
        (["--client-ip", "2001:db8::1"], ["j4", "j5"]),
        (["--outcome", "rejected"], ["j2", "j4", "j5", "j8", "j10"]),
        (["--reason", "bad_signature"], ["j4", "j5"]),
        (["--from", "2026-11-28T00:00:00Z", "--to", "2026-11-29T00:00:00Z"], ["j3", "j4", "j5"]),
        (["--from", "2026-11-29T03:00:00Z"], ["j9", "j10", "j11", "j3"]),
        (["--service", "api", "--outcome", "rejected", "--from", "2026-11-28T00:00:00Z"], ["j5", "j10"]),
        (["--sub", "nobody"], []),
        (["--limit", "2"], ["j1", "j2"]),
    ]

    @Test("every filter selects exactly the matching events, in event-time order")
    func filters() throws {
        try withDaemon { daemon in
            let client = try daemon.connectAcknowledged(client: "search")
            try client.send(Self.lines.joined())
            try client.awaitAck(Self.lines.count)
            for (filters, expected) in Self.cases {
                var arguments = filters
                if !filters.contains("--limit") { arguments += ["--limit", "0"] }
                let result = try DaemonHarness.run(["search", "--data", daemon.dataPath] + arguments)
                #expect(result.status == 0)
                let jtis = try result.output.split(separator: "\n").map {
                    try #require(try JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any])["jti"] as? String
                }
                #expect(jtis == expected, "filters \(filters)")
            }
            let offset = try #require(try searchEvents(daemon.dataPath, ["--jti", "j5"]).first)
            #expect(offset["ts"] as? String == "2026-11-28T11:00:00.250Z")
        }
    }

    @Test("a relative --from and the table format work")
    func relativeAndTable() throws {
        try withDaemon { daemon in
            let client = try daemon.connect()
            let now = ISO8601DateFormatter().string(from: Date())
            try client.send(EventLine.validate(ts: now, sub: "recent") + EventLine.validate(ts: "2026-11-01T00:00:00Z", sub: "old"))
            client.finishSending()
            #expect(try eventually { try searchEvents(daemon.dataPath).count == 2 })
            #expect(try searchEvents(daemon.dataPath, ["--from", "15m"]).compactMap { $0["sub"] as? String } == ["recent"])
            let table = try DaemonHarness.run(["search", "--data", daemon.dataPath, "--format", "table"])
            #expect(table.output.contains("SERVICE"))
            #expect(table.output.contains("recent"))
            let bad = try DaemonHarness.run(["search", "--data", daemon.dataPath, "--from", "yesterday"])
            #expect(bad.status != 0)
            #expect(bad.error.contains("--from"))
        }
    }

    @Test("stats counts by service, outcome and reason from the rollups")
    func stats() throws {
        try withDaemon { daemon in
            let client = try daemon.connectAcknowledged(client: "stats")
            try client.send(Self.lines.joined())
            try client.awaitAck(Self.lines.count)
            let result = try DaemonHarness.run(["stats", "--data", daemon.dataPath, "--format", "json"])
            #expect(result.status == 0)
            let stats = try #require(try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: Any])
            #expect(stats["total_events"] as? Int == 12)
            #expect(stats["stored_events"] as? Int == 12)
            #expect((stats["stored_bytes"] as? Int ?? 0) > 0)
            let groups = try #require(stats["groups"] as? [[String: Any]])
            let badSignatures = groups.filter { $0["reason"] as? String == "bad_signature" }
            #expect(badSignatures.map { $0["events"] as? Int } == [1, 1])
            let webAccepted = groups.first { $0["service"] as? String == "web" && $0["outcome"] as? String == "accepted" }
            #expect(webAccepted?["events"] as? Int == 4)

            let day = try DaemonHarness.run(
                ["stats", "--data", daemon.dataPath, "--from", "2026-11-27T00:00:00Z", "--to", "2026-11-28T00:00:00Z", "--format", "json"])
            let dayStats = try #require(try JSONSerialization.jsonObject(with: Data(day.output.utf8)) as? [String: Any])
            #expect(dayStats["total_events"] as? Int == 2)
        }
    }
}
