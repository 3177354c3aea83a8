import Foundation
import JWTAuditTesting
import NIOConcurrencyHelpers
import Testing

/// Runs `jwtaudit search` on `data` and returns each printed event as a JSON object.
func storedEvents(_ data: String, _ filters: [String] = []) throws -> [[String: Any]] {
    let result = try DaemonHarness.run(["search", "--data", data, "--limit", "0"] + filters)
    #expect(result.status == 0, "search failed: \(result.error)")
    return try result.output.split(separator: "\n").map { line in
        try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
    }
}

/// The `seq` values of `events`, each as often as it was stored.
func sequences(_ events: [[String: Any]]) -> [Int] {
    events.compactMap { $0["seq"] as? Int }.sorted()
}

/// The repository root (this file is Tests/JWTAuditClientTests/Support.swift).
func repositoryRoot(_ file: String = #filePath) -> String {
    URL(fileURLWithPath: file).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
}

/// A value shared with callbacks on other threads.
final class Shared<Value: Sendable>: Sendable {
    private let mutex: NIOLockedValueBox<Value>

    init(_ value: Value) {
        mutex = NIOLockedValueBox(value)
    }

    func update(_ body: (inout Value) -> Void) {
        mutex.withLockedValue { body(&$0) }
    }

    var value: Value { mutex.withLockedValue { $0 } }
}
