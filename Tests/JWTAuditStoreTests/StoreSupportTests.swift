import Foundation
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

@Suite("Store support")
struct StoreSupportTests {
    @Test("time bounds take RFC 3339 or a duration back from now", arguments: [
        ("2026-11-29T10:00:00Z", Int64(1_795_946_400_000_000)),
        ("90s", Int64(1_000_000_000_000 - 90_000_000)),
        ("15m", Int64(1_000_000_000_000 - 900_000_000)),
        ("24h", Int64(1_000_000_000_000 - 86_400_000_000)),
        ("30d", Int64(1_000_000_000_000 - 2_592_000_000_000)),
    ])
    func timeBounds(text: String, expected: Int64) {
        #expect(TimeBound.parse(text, now: 1_000_000_000_000) == expected)
    }

    @Test("bad time bounds are refused", arguments: ["yesterday", "15", "m", "-5m", "15y", ""])
    func badTimeBounds(text: String) {
        #expect(TimeBound.parse(text, now: 1_000_000_000_000) == nil)
    }

    @Test("partition days are UTC days, before and after the epoch")
    func partitionDays() {
        #expect(PartitionDay(containing: EventFactory.baseTime).name == "2026-11-29")
        #expect(PartitionDay(containing: EventFactory.baseTime - 1).name == "2026-11-28")
        #expect(PartitionDay(containing: -1).name == "1969-12-31")
        #expect(PartitionDay(name: "2026-11-29")?.start == EventFactory.baseTime)
        #expect(PartitionDay(name: "2026-13-01") == nil)
    }

    @Test("the fingerprint secret is created 0600, kept across opens, and refused when others can read it")
    func secret() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        try directory.prepare()
        let first = try StoreSecret.tokenFingerprintKey(in: directory)
        #expect(first.count == 32)
        #expect(try StoreSecret.tokenFingerprintKey(in: directory) == first)
        let path = directory.secretsPath + "/token-fingerprint.key"
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        chmod(path, 0o644)
        #expect(throws: (any Error).self) { try StoreSecret.tokenFingerprintKey(in: directory) }
    }

    @Test("a world-writable data folder is refused")
    func worldWritable() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        try directory.prepare()
        chmod(directory.root, 0o777)
        #expect(throws: (any Error).self) { try directory.prepare() }
    }

    @Test("the quarantine keeps only the newest lines, newest first")
    func quarantine() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        try directory.prepare()
        let store = try QuarantineStore(directory: directory, capacity: 5)
        let lines = (1...8).map {
            QuarantinedLine(
                receivedAt: Int64($0), peerUID: 1, peerPID: 2, producer: nil, line: Int64($0),
                rejection: EventRejection(.invalidJSON, "bad"), excerpt: "{")
        }
        try store.append(Array(lines[0..<3]))
        try store.append(Array(lines[3...]))
        #expect(try store.newest(10).map(\.line) == [8, 7, 6, 5, 4])
    }
}
