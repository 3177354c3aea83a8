import Foundation
import Hummingbird
import JWTAuditClient
import JWTAuditTesting
import NIOConcurrencyHelpers
import ProtectedServiceApp
import Testing

/// The example service in process, a real daemon, real tokens: honest and forged.
@Suite struct ProtectedServiceTests {
    private func search(_ data: String, _ filters: [String]) throws -> [[String: Any]] {
        let result = try DaemonHarness.run(["search", "--data", data, "--limit", "0"] + filters)
        #expect(result.status == 0, "search failed: \(result.error)")
        return try result.output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    private func alerts(_ data: String, rule: String) throws -> [[String: Any]] {
        let result = try DaemonHarness.run(
            ["alerts", "list", "--data", data, "--format", "ndjson", "--limit", "0", "--rule", rule])
        #expect(result.status == 0, "alerts list failed: \(result.error)")
        return try result.output.split(separator: "\n").map { line in
            try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        }
    }

    @Test("valid, expired, wrong-key, alg none and HS256-with-the-public-key tokens: 200 once, the right events and alerts")
    func attacksAreAudited() async throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let tokens = try TestTokens()
        let audit = JWTAuditClient(configuration: .init(socketPath: daemon.socketPath, service: "orders"))
        var configuration = ProtectedService.Configuration(publicKeyPEM: tokens.publicKeyPEM)
        configuration.port = 0
        let port = BoundPort()
        let application = try await ProtectedService.makeApplication(configuration: configuration, audit: audit) {
            bound in port.set(bound)
        }
        let server = Task { try await application.runService() }
        defer { server.cancel() }
        for _ in 0..<200 where port.value == 0 {
            try await Task.sleep(for: .milliseconds(50))
        }
        let bound = port.value
        try #require(bound != 0)

        let cases: [(name: String, token: String, status: Int)] = [
            ("valid", try await tokens.valid(TestTokens.claims("alice")), 200),
            ("expired", try await tokens.valid(TestTokens.claims("bob", expiresIn: -120)), 401),
            ("wrong key", try await tokens.wrongKey(TestTokens.claims("carol")), 401),
            ("alg none", try await tokens.unsigned(TestTokens.claims("mallory")), 401),
            ("HS256 with the RSA public key", try await tokens.confused(TestTokens.claims("trudy")), 401),
        ]
        for item in cases {
            let response = try await HTTPTestClient.fetch("GET", "/hello", port: bound, token: item.token)
            #expect(response.status == item.status, "\(item.name)")
        }
        #expect(try await HTTPTestClient.fetch("GET", "/hello", port: bound).status == 401)
        #expect(audit.flush(timeout: .seconds(30)))

        let events = try search(daemon.dataPath, ["--service", "orders"])
        var decisions: [String: String] = [:]
        for event in events {
            let sub = event["sub"] as? String ?? "?"
            decisions[sub] = (event["outcome"] as? String ?? "?") + "/" + (event["reason"] as? String ?? "-")
            #expect(event["token"] == nil, "a raw token was stored")
            #expect(event["client_ip"] as? String == "127.0.0.1")
        }
        #expect(events.count == 5)
        #expect(
            decisions == [
                "alice": "accepted/-", "bob": "rejected/expired", "carol": "rejected/bad_signature",
                "mallory": "rejected/alg_none", "trudy": "rejected/alg_not_allowed",
            ])
        let algorithms = Dictionary(uniqueKeysWithValues: events.map { ($0["sub"] as? String ?? "?", $0["alg"] as? String ?? "?") })
        #expect(algorithms["mallory"] == "none" && algorithms["trudy"] == "HS256")

        var none: [[String: Any]] = []
        #expect(try eventually { none = try alerts(daemon.dataPath, rule: "alg_none_attempt"); return !none.isEmpty })
        #expect(none.first?["severity"] as? String == "high")
        #expect((none.first?["key"] as? [String: String])?["service"] == "orders")
        var confusion: [[String: Any]] = []
        #expect(try eventually { confusion = try alerts(daemon.dataPath, rule: "alg_confusion"); return !confusion.isEmpty })
        #expect((confusion.first?["samples"] as? [[String: Any]])?.first?["reason"] as? String == "alg_not_allowed")

        server.cancel()
        _ = try? await server.value
        let counters = audit.shutdown(timeout: .seconds(5))
        #expect(counters.acknowledged == 5 && counters.dropped == 0 && counters.rejected == 0)
        #expect(try daemon.stop() == 0)
    }
}

/// The port the example bound, reported from its server task.
private final class BoundPort: Sendable {
    private let port = NIOLockedValueBox(0)

    func set(_ value: Int) { port.withLockedValue { $0 = value } }

    var value: Int { port.withLockedValue { $0 } }
}
