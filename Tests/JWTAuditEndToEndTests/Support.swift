import Foundation
import JWTAuditTesting
import Testing

/// Runs `jwtaudit search` on `data` and returns each printed event as a JSON object.
func searchEvents(_ data: String, _ filters: [String] = []) throws -> [[String: Any]] {
    let result = try DaemonHarness.run(["search", "--data", data, "--limit", "0"] + filters)
    #expect(result.status == 0, "search failed: \(result.error)")
    return try result.output.split(separator: "\n").map { line in
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
}

/// Starts a daemon, runs `body`, stops it; on failure the daemon's log tail is attached.
func withDaemon(_ extraArguments: [String] = [], _ body: (DaemonHarness) throws -> Void) throws {
    let daemon = try DaemonHarness(extraArguments: extraArguments)
    try daemon.start()
    do {
        try body(daemon)
    } catch {
        Issue.record("daemon log:\n\(daemon.log(tail: 30))")
        throw error
    }
    #expect(try daemon.stop() == 0)
}

/// Parses one reply line.
func replyObject(_ line: String) throws -> [String: Any] {
    try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
}
