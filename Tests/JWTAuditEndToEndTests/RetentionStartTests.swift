import Foundation
import JWTAuditTesting
import Testing

@Suite("Retention policy at start", .serialized)
struct RetentionStartTests {
    /// The repository's retention.json, found from this file.
    static let shippedPolicy = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("retention.json").path

    @Test("the daemon refuses to start with a policy under PCI DSS's minimum, naming the line and field")
    func belowMinimum() throws {
        let folder = try TemporaryDirectory()
        let shipped = try String(contentsOfFile: Self.shippedPolicy, encoding: .utf8)
        let weakened = shipped.replacingOccurrences(
            of: "\"default\": { \"online_days\": 90, \"keep_days\": 400 }",
            with: "\"default\": { \"online_days\": 90, \"keep_days\": 300 }")
        #expect(weakened != shipped, "the shipped default policy changed; update this test")
        let path = folder.file("weak.json")
        try weakened.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try DaemonHarness.run(
            ["serve", "--retention", path, "--socket", folder.file("s.sock"), "--data", folder.file("data")])
        #expect(result.status != 0)
        #expect(result.error.contains("weak.json:"))
        #expect(result.error.contains("default.keep_days"))
        #expect(!FileManager.default.fileExists(atPath: folder.file("s.sock")))
    }

    @Test("the shipped retention.json passes the check and the daemon starts with it")
    func shippedPolicyStarts() throws {
        try withDaemon(["--retention", Self.shippedPolicy]) { daemon in
            let client = try daemon.connectAcknowledged(client: "retention")
            try client.send(EventLine.validate(sub: "kept"))
            try client.awaitAck(1)
        }
    }
}
