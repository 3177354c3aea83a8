import Foundation
import Glibc
import JWTAuditClient
import JWTAuditTesting
import Testing

/// The example service as its own process, a real daemon, real tokens: honest and forged.
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
        // The example runs as its own process, as deployed (and so that its event loops and tasks
        // do not share this test process's cooperative pool with other, blocking tests).
        let service = try ExampleService(publicKeyPEM: tokens.publicKeyPEM, socket: daemon.socketPath)
        defer { service.stop() }
        let bound = service.port
        #expect(
            eventually(timeout: 60) { (try? HTTPTestClient.request("GET", "/hello", port: bound, timeout: 2))?.status == 401 },
            "the example service did not answer: \(service.log)")

        let cases: [(name: String, token: String, status: Int)] = [
            ("valid", try await tokens.valid(TestTokens.claims("alice")), 200),
            ("expired", try await tokens.valid(TestTokens.claims("bob", expiresIn: -120)), 401),
            ("wrong key", try await tokens.wrongKey(TestTokens.claims("carol")), 401),
            ("alg none", try await tokens.unsigned(TestTokens.claims("mallory")), 401),
            ("HS256 with the RSA public key", try await tokens.confused(TestTokens.claims("trudy")), 401),
        ]
        for item in cases {
            let response = try HTTPTestClient.request("GET", "/hello", port: bound, token: item.token)
            #expect(response.status == item.status, "\(item.name)")
        }
        #expect(try HTTPTestClient.request("GET", "/hello", port: bound).status == 401)

        var events: [[String: Any]] = []
        #expect(try eventually(timeout: 60) { events = try search(daemon.dataPath, ["--service", "orders"]); return events.count >= 5 })
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

        // On SIGTERM the example delivers what it still holds and reports its client's counters.
        let log = service.stop()
        #expect(log.contains("audit events: 5 stored, 0 dropped, 0 undelivered"), "\(log)")
        #expect(try daemon.stop() == 0)
    }
}

/// The `ProtectedService` example executable on a free loopback port, auditing to `socket` as
/// service `orders`; its standard error is collected.
private final class ExampleService: @unchecked Sendable {
    let port: Int
    private let process = Process()
    private let folder: TemporaryDirectory
    private var stopped: String?

    init(publicKeyPEM: String, socket: String) throws {
        folder = try TemporaryDirectory()
        let keyPath = folder.file("issuer.pem")
        try publicKeyPEM.write(toFile: keyPath, atomically: true, encoding: .utf8)
        port = try Self.freePort()
        process.executableURL = URL(fileURLWithPath: try DaemonHarness.executablePath(named: "ProtectedService"))
        var environment = ProcessInfo.processInfo.environment
        environment["PUBLIC_KEY_PEM"] = keyPath
        environment["PORT"] = String(port)
        environment["JWTAUDIT_SOCKET"] = socket
        environment["SERVICE"] = "orders"
        process.environment = environment
        FileManager.default.createFile(atPath: folder.file("stderr"), contents: nil)
        process.standardError = FileHandle(forWritingAtPath: folder.file("stderr"))
        process.standardOutput = FileHandle.nullDevice
        try process.run()
    }

    /// What the example wrote to standard error so far.
    var log: String { (try? String(contentsOfFile: folder.file("stderr"), encoding: .utf8)) ?? "" }

    /// Sends SIGTERM, waits for the exit and returns the whole log.
    @discardableResult
    func stop() -> String {
        if let stopped { return stopped }
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        stopped = log
        return log
    }

    struct NoFreePort: Error {
        var errno: Int32
    }

    /// A loopback TCP port nobody listens on now (bound to port 0, read, released).
    private static func freePort() throws -> Int {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(descriptor) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let status = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(descriptor, $0, length) == 0 ? getsockname(descriptor, $0, &length) : -1
            }
        }
        guard status == 0 else { throw NoFreePort(errno: errno) }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
