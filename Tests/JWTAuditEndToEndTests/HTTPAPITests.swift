import Foundation
import JWTAuditModel
import JWTAuditTesting
import Testing

/// The HTTP API of a running daemon, driven as a browser or a script would: tokens from
/// `jwtaudit tokens create`, requests over loopback.
@Suite struct HTTPAPITests {
    @Test("every route answers a token of the right role; a triage change shows in jwtaudit alerts show")
    func routes() throws {
        try withDaemon { daemon in
            let analyst = try createToken(daemon.dataPath, name: "alice", role: "analyst")
            let auditor = try createToken(daemon.dataPath, name: "audrey", role: "auditor")
            let port = try daemon.httpPort()
            func get(_ path: String, _ token: String? = analyst) throws -> HTTPTestClient.Response {
                try HTTPTestClient.request("GET", path, port: port, token: token)
            }
            func post(_ path: String, _ body: String, _ token: String? = analyst) throws -> HTTPTestClient.Response {
                try HTTPTestClient.request("POST", path, port: port, token: token, body: body)
            }

            try sendAcknowledged(daemon, [
                EventLine.validate(
                    ts: now(), service: "legacy", outcome: "accepted", clientIP: "203.0.113.44", extra: ["\"alg\":\"none\""]),
                EventLine.validate(ts: now(), service: "api", outcome: "rejected", reason: "expired", sub: "bob"),
            ])
            var alerts: [[String: Any]] = []
            #expect(try eventually {
                alerts = try get("/api/v1/alerts?rule=alg_none_attempt").object()["alerts"] as? [[String: Any]] ?? []
                return !alerts.isEmpty
            })
            let id = try #require(alerts.first?["id"] as? Int)

            // Health needs no token.
            let health = try get("/api/v1/health", nil)
            #expect(health.status == 200)
            #expect(try health.object()["status"] as? String == "ok")

            // Alert filters, as the CLI's.
            #expect(try list(get("/api/v1/alerts?status=open&severity=critical&since=1h&limit=5")).map(\.id) == [id])
            #expect(try list(get("/api/v1/alerts?status=resolved")).isEmpty)
            #expect(try list(get("/api/v1/alerts?rule=brute_force_signature")).isEmpty)
            #expect(try get("/api/v1/alerts?severity=urgent").status == 400)
            #expect(try get("/api/v1/alerts?since=yesterday").status == 400)

            // One alert with its history.
            let shown = try get("/api/v1/alerts/\(id)")
            #expect(shown.status == 200)
            let history = try #require(try shown.object()["history"] as? [[String: Any]])
            #expect(history.first?["action"] as? String == "created")
            #expect(try get("/api/v1/alerts/999999").status == 404)

            // Triage: the actor is the token's name.
            let acknowledged = try post("/api/v1/alerts/\(id)/status", #"{"status":"acknowledged","note":"looking"}"#)
            #expect(acknowledged.status == 200, "\(acknowledged.text)")
            #expect(try acknowledged.object()["status"] as? String == "acknowledged")
            #expect(try post("/api/v1/alerts/\(id)/status", #"{"status":"acknowledged"}"#).status == 409)
            #expect(try post("/api/v1/alerts/\(id)/status", #"{"status":"closed"}"#).status == 400)
            #expect(try post("/api/v1/alerts/\(id)/status", "not json").status == 400)
            #expect(try post("/api/v1/alerts/999999/status", #"{"status":"resolved"}"#).status == 404)
            let noted = try post("/api/v1/alerts/\(id)/notes", #"{"text":"blocked at the edge"}"#)
            #expect(noted.status == 200, "\(noted.text)")
            #expect(try post("/api/v1/alerts/\(id)/notes", #"{"text":""}"#).status == 400)

            let cli = try DaemonHarness.run(["alerts", "show", String(id), "--data", daemon.dataPath, "--format", "json"])
            #expect(cli.status == 0, "\(cli.error)")
            let stored = try replyObject(cli.output.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(stored["status"] as? String == "acknowledged")
            let changes = try #require(stored["history"] as? [[String: Any]])
            #expect(changes.contains {
                $0["action"] as? String == "status" && $0["by"] as? String == "alice" && $0["to"] as? String == "acknowledged"
                    && $0["note"] as? String == "looking"
            })
            #expect(changes.contains { $0["action"] as? String == "note" && $0["by"] as? String == "alice" })
            #expect(try DaemonHarness.run(["alerts", "show", String(id), "--data", daemon.dataPath]).output.contains("alice"))

            // The auditor reads but may not change alerts.
            #expect(try get("/api/v1/alerts", auditor).status == 200)
            #expect(try get("/api/v1/alerts/\(id)", auditor).status == 200)
            let forbidden = try post("/api/v1/alerts/\(id)/status", #"{"status":"resolved"}"#, auditor)
            #expect(forbidden.status == 403)
            #expect(forbidden.text == #"{"error":"forbidden"}"#)
            #expect(try post("/api/v1/alerts/\(id)/notes", #"{"text":"x"}"#, auditor).status == 403)

            // Events, with the search filters of the CLI.
            let events = try #require(try get("/api/v1/events?service=api&reason=expired&from=1h").object()["events"] as? [[String: Any]])
            #expect(events.count == 1)
            #expect(events.first?["sub"] as? String == "bob")
            #expect(try (get("/api/v1/events?limit=1").object()["events"] as? [[String: Any]])?.count == 1)
            #expect(try get("/api/v1/events?outcome=maybe").status == 400)

            // Statistics.
            let stats = try get("/api/v1/stats", auditor).object()
            #expect(stats["total_events"] as? Int == 2)
            #expect((stats["alerts_by_status"] as? [String: Int])?["acknowledged"] == 1)

            // Metrics need a token by default.
            let metrics = try get("/metrics", auditor)
            #expect(metrics.status == 200)
            #expect(metrics.headers["content-type"]?.hasPrefix("text/plain") == true)
            #expect(metrics.text.contains("jwtaudit_events_stored_total 2"))

            // No token, a wrong token, a revoked token: 401 on every route but health, no detail.
            let routes: [(String, String, String?)] = [
                ("GET", "/api/v1/alerts", nil), ("GET", "/api/v1/alerts/\(id)", nil),
                ("POST", "/api/v1/alerts/\(id)/status", #"{"status":"resolved"}"#),
                ("POST", "/api/v1/alerts/\(id)/notes", #"{"text":"x"}"#), ("GET", "/api/v1/events", nil),
                ("GET", "/api/v1/stats", nil), ("GET", "/metrics", nil),
            ]
            for (method, path, body) in routes {
                let missing = try HTTPTestClient.request(method, path, port: port, body: body)
                #expect(missing.status == 401, "\(method) \(path)")
                #expect(missing.text == #"{"error":"unauthorized"}"#)
                #expect(missing.headers["www-authenticate"] == "Bearer")
            }
            #expect(try get("/api/v1/alerts", "jwta_" + String(repeating: "0", count: 64)).status == 401)
            #expect(try HTTPTestClient.request("GET", "/api/v1/alerts", port: port, headers: ["Authorization": "Basic abc"]).status == 401)
            let revoked = try DaemonHarness.run(["tokens", "revoke", "audrey", "--data", daemon.dataPath])
            #expect(revoked.status == 0, "\(revoked.error)")
            #expect(try get("/api/v1/alerts").status == 200, "another token is unaffected")
            #expect(try get("/api/v1/alerts", auditor).status == 401)
            // That was the tenth failure from this address within the minute: the limit applies.
            #expect(try get("/api/v1/alerts").status == 429)
        }
    }

    @Test("ten failed authentications in a minute get 429, even for a good token; failures are recorded without the token")
    func rateLimit() throws {
        try withDaemon { daemon in
            let analyst = try createToken(daemon.dataPath, name: "ops", role: "analyst")
            let port = try daemon.httpPort()
            let wrong = "jwta_" + String(repeating: "ab", count: 32)
            for _ in 0..<10 {
                #expect(try HTTPTestClient.request("GET", "/api/v1/alerts", port: port, token: wrong).status == 401)
            }
            let limited = try HTTPTestClient.request("GET", "/api/v1/alerts", port: port, token: wrong)
            #expect(limited.status == 429)
            #expect(Int(limited.headers["retry-after"] ?? "") ?? 0 > 0)
            #expect(try HTTPTestClient.request("GET", "/api/v1/stats", port: port, token: analyst).status == 429)
            #expect(try HTTPTestClient.request("GET", "/api/v1/health", port: port).status == 200)

            let failures = try DaemonHarness.run(["tokens", "failures", "--data", daemon.dataPath])
            #expect(failures.status == 0, "\(failures.error)")
            let lines = failures.output.split(separator: "\n")
            #expect(lines.filter { $0.contains("unknown_token") && $0.contains("127.0.0.1") }.count == 10)
            #expect(lines.contains { $0.contains("rate_limited") && $0.contains("GET /api/v1/alerts") })
            #expect(!failures.output.contains(wrong))
            #expect(!daemon.log(tail: 200).contains(wrong))
            #expect(!daemon.log(tail: 200).contains(analyst))
            let stored = try Data(contentsOf: URL(fileURLWithPath: daemon.dataPath + "/tokens.sqlite"))
            #expect(stored.range(of: Data(wrong.utf8)) == nil)
            #expect(stored.range(of: Data(analyst.utf8)) == nil)
            let mode = try FileManager.default.attributesOfItem(atPath: daemon.dataPath + "/tokens.sqlite")[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
    }

    @Test("/metrics may be opened to loopback clients without a token; the API still needs one; --http off serves nothing")
    func metricsOnLoopbackAndOff() throws {
        try withDaemon(["--metrics-without-token-on-loopback"]) { daemon in
            let port = try daemon.httpPort()
            let metrics = try HTTPTestClient.request("GET", "/metrics", port: port)
            #expect(metrics.status == 200)
            #expect(metrics.text.contains("# TYPE jwtaudit_events_received_total counter"))
            #expect(try HTTPTestClient.request("GET", "/api/v1/alerts", port: port).status == 401)
        }
        let folder = try TemporaryDirectory()
        let refused = try DaemonHarness.run([
            "serve", "--http", "localhost", "--socket", folder.file("s.sock"), "--data", folder.file("d"),
        ])
        #expect(refused.status != 0)
        #expect(refused.error.contains("expected ADDR:PORT"))
        try withDaemon(["--http", "off"]) { daemon in
            #expect(eventually { daemon.log(tail: 20).contains("the HTTP API is off") })
            #expect(!daemon.log(tail: 20).contains("http listening"))
        }
    }

    @Test("tokens create prints the token once as the last word; names are checked; list never shows a secret")
    func tokensCommand() throws {
        let folder = try TemporaryDirectory()
        let data = folder.file("data")
        let created = try DaemonHarness.run(["tokens", "create", "--data", data, "--name", "ci", "--role", "auditor"])
        #expect(created.status == 0, "\(created.error)")
        let secret = try #require(created.output.split(whereSeparator: \.isWhitespace).last.map(String.init))
        #expect(secret.hasPrefix("jwta_") && secret.count == 69)
        let again = try DaemonHarness.run(["tokens", "create", "--data", data, "--name", "ci", "--role", "admin"])
        #expect(again.status == 1)
        #expect(again.error.contains("already named ci"))
        #expect(try DaemonHarness.run(["tokens", "create", "--data", data, "--name", "a b", "--role", "admin"]).status == 1)
        #expect(try DaemonHarness.run(["tokens", "create", "--data", data, "--name", "x", "--role", "root"]).status != 0)
        let listed = try DaemonHarness.run(["tokens", "list", "--data", data])
        #expect(listed.output.contains("ci") && listed.output.contains("auditor"))
        #expect(!listed.output.contains(secret))
        #expect(try DaemonHarness.run(["tokens", "revoke", "ci", "--data", data]).status == 0)
        #expect(try DaemonHarness.run(["tokens", "revoke", "ci", "--data", data]).status == 1)
        let replaced = try DaemonHarness.run(["tokens", "create", "--data", data, "--name", "ci", "--role", "admin"])
        #expect(replaced.status == 0, "a revoked token's name may be reused")
    }
}

/// Creates an API token with the CLI and returns it (the last word of the output).
func createToken(_ data: String, name: String, role: String) throws -> String {
    let result = try DaemonHarness.run(["tokens", "create", "--data", data, "--name", name, "--role", role])
    #expect(result.status == 0, "tokens create failed: \(result.error)")
    return try #require(result.output.split(whereSeparator: \.isWhitespace).last.map(String.init))
}

/// Sends `lines` in acknowledged mode and waits for their ack.
func sendAcknowledged(_ daemon: DaemonHarness, _ lines: [String], client: String = "e2e") throws {
    let socket = try daemon.connectAcknowledged(client: client)
    try socket.send(lines.joined())
    _ = try socket.awaitAck(lines.count)
}

/// RFC 3339 for now plus `seconds`.
func now(_ seconds: Double = 0) -> String {
    Timestamp.format(Int64((Date().timeIntervalSince1970 + seconds) * 1_000_000))
}

/// The ids of the alerts in a `GET /api/v1/alerts` answer.
private func list(_ response: HTTPTestClient.Response) throws -> [(id: Int, rule: String)] {
    #expect(response.status == 200, "\(response.text)")
    let alerts = try response.object()["alerts"] as? [[String: Any]] ?? []
    return alerts.map { ($0["id"] as? Int ?? -1, $0["rule"] as? String ?? "") }
}
