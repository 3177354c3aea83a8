import Foundation
import JWTAuditDetection
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

/// A data folder holding three alerts created through ``AlertStore``, as the daemon would.
private struct AlertFolder {
    let folder: TemporaryDirectory
    let data: String
    /// Ids of: a high brute force seen 10 minutes ago, a critical alg-none 3 hours ago, a medium key probe
    /// 2 days ago.
    let bruteForce: Int64
    let algNone: Int64
    let keyProbe: Int64
    let now = currentTime()

    init() throws {
        folder = try TemporaryDirectory(prefix: "jwtaudit-alerts-cli")
        data = folder.file("data")
        let store = try AlertStore(directory: DataDirectory(root: data))
        let minute: Int64 = 60_000_000
        func finding(_ rule: String, _ severity: Severity, _ key: AlertKey, lastSeen: Int64, count: Int) -> Finding {
            var event = EventFactory.event(0, outcome: .rejected, reason: .badSignature)
            event.timestamp = lastSeen
            event.receivedAt = lastSeen + 1_500
            event.clientIP = "203.0.113.9"
            return Finding(
                rule: rule, severity: severity, key: key, firstSeen: lastSeen - minute, lastSeen: lastSeen,
                count: count,
                samples: [EventReference(event)], summary: "\(count) events from \(key)", techniques: ["T1110"],
                tags: ["pci-dss:10.2.1.4"], suppressionWindow: 10 * minute)
        }
        let updates = try store.record(
            [
                finding(
                    "key_probe", .medium, AlertKey("client_ip", "198.51.100.7"), lastSeen: now - 2 * 1_440 * minute,
                    count: 12),
                finding(
                    "alg_none_attempt", .critical, AlertKey("service", "api"), lastSeen: now - 180 * minute, count: 1),
                finding(
                    "brute_force_signature", .high, AlertKey("client_ip", "203.0.113.9"), lastSeen: now - 10 * minute,
                    count: 31),
            ], now: now)
        (keyProbe, algNone, bruteForce) = (updates[0].alert.id, updates[1].alert.id, updates[2].alert.id)
    }

    /// Runs `jwtaudit alerts ARGUMENTS --data DATA`.
    func run(_ arguments: [String]) throws -> (status: Int32, output: String, error: String) {
        try DaemonHarness.run(["alerts"] + arguments + ["--data", data])
    }

    /// `alerts list` in NDJSON with `filters`: one JSON object per printed line.
    func list(_ filters: [String] = []) throws -> [[String: Any]] {
        let result = try run(["list", "--format", "ndjson"] + filters)
        #expect(result.status == 0, "list failed: \(result.error)")
        return try result.output.split(separator: "\n").map { try replyObject(String($0)) }
    }

    /// `alerts show ID --format json`.
    func show(_ id: Int64) throws -> [String: Any] {
        let result = try run(["show", String(id), "--format", "json"])
        #expect(result.status == 0, "show failed: \(result.error)")
        return try replyObject(result.output.trimmingCharacters(in: .newlines))
    }
}

private func currentTime() -> Int64 {
    Int64(Date().timeIntervalSince1970 * 1_000_000)
}

@Suite("jwtaudit alerts", .serialized)
struct AlertsCommandTests {
    @Test("list prints one alert per line in the DESIGN shape, newest last_seen first")
    func listShape() throws {
        let alerts = try AlertFolder()
        let lines = try alerts.list()
        #expect(lines.map { $0["id"] as? Int64 } == [alerts.bruteForce, alerts.algNone, alerts.keyProbe])
        let first = try #require(lines.first)
        #expect(first["rule"] as? String == "brute_force_signature")
        #expect(first["severity"] as? String == "high")
        #expect(first["key"] as? [String: String] == ["client_ip": "203.0.113.9"])
        #expect(first["count"] as? Int == 31)
        #expect(first["status"] as? String == "open")
        #expect(first["last_seen"] as? String == Timestamp.format(alerts.now - 10 * 60_000_000))
        #expect(first["first_seen"] as? String == Timestamp.format(alerts.now - 11 * 60_000_000))
        #expect(first["mitre"] as? [String] == ["T1110"])
        #expect(first["compliance"] as? [String] == ["pci-dss:10.2.1.4"])
        let samples = try #require(first["samples"] as? [[String: Any]])
        #expect(samples.count == 1)
        #expect(samples.first?["client_ip"] as? String == "203.0.113.9")
        #expect(samples.first?["reason"] as? String == "bad_signature")
    }

    @Test("list filters by status, rule, minimum severity, since (relative or RFC 3339) and limit")
    func listFilters() throws {
        let alerts = try AlertFolder()
        #expect(try alerts.run(["ack", String(alerts.algNone), "--by", "alice"]).status == 0)
        let cases: [([String], [Int64])] = [
            (["--status", "open"], [alerts.bruteForce, alerts.keyProbe]),
            (["--status", "acknowledged"], [alerts.algNone]),
            (["--rule", "key_probe"], [alerts.keyProbe]),
            (["--severity", "high"], [alerts.bruteForce, alerts.algNone]),
            (["--severity", "critical"], [alerts.algNone]),
            (["--since", "1h"], [alerts.bruteForce]),
            (["--since", "1d"], [alerts.bruteForce, alerts.algNone]),
            (["--since", Timestamp.format(alerts.now - 181 * 60_000_000)], [alerts.bruteForce, alerts.algNone]),
            (["--limit", "1"], [alerts.bruteForce]),
            (["--status", "open", "--severity", "medium", "--since", "7d"], [alerts.bruteForce, alerts.keyProbe]),
        ]
        for (filters, expected) in cases {
            #expect(try alerts.list(filters).map { $0["id"] as? Int64 } == expected, "\(filters)")
        }
        for bad in [["--status", "closed"], ["--severity", "urgent"], ["--since", "yesterday"]] {
            let result = try alerts.run(["list"] + bad)
            #expect(result.status != 0, "\(bad)")
            #expect(result.error.contains(bad[0]), "\(bad): \(result.error)")
        }
    }

    @Test("list prints a table by default")
    func listTable() throws {
        let alerts = try AlertFolder()
        let result = try alerts.run(["list"])
        #expect(result.status == 0)
        let lines = result.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 4)
        #expect(lines.first?.hasPrefix("ID") == true)
        #expect(lines.first?.contains("LAST_SEEN") == true)
        let row = lines[1].split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        #expect(
            row.prefix(5) == [
                String(alerts.bruteForce), "high", "brute_force_signature", "client_ip=203.0.113.9", "31",
            ])
    }

    @Test("ack, note, assign and resolve change the alert and its history; show prints them")
    func triage() throws {
        let alerts = try AlertFolder()
        let id = String(alerts.bruteForce)
        let ack = try alerts.run(["ack", id, "--by", "alice", "--note", "looking into it"])
        #expect(ack.status == 0, "\(ack.error)")
        #expect(ack.output == "alert \(id): open -> acknowledged by alice\n")
        #expect(try alerts.run(["note", id, "--by", "bob", "--text", "blocked at the edge"]).status == 0)
        #expect(try alerts.run(["assign", id, "--to", "bob", "--by", "alice"]).status == 0)
        #expect(try alerts.run(["resolve", id, "--by", "bob"]).status == 0)
        #expect(try alerts.run(["false-positive", String(alerts.keyProbe), "--by", "carol"]).status == 0)

        let shown = try alerts.show(alerts.bruteForce)
        #expect(shown["status"] as? String == "resolved")
        #expect(shown["assignee"] as? String == "bob")
        let notes = try #require(shown["notes"] as? [[String: Any]])
        #expect(notes.map { $0["author"] as? String } == ["alice", "bob"])
        #expect(notes.map { $0["text"] as? String } == ["looking into it", "blocked at the edge"])
        let history = try #require(shown["history"] as? [[String: Any]])
        #expect(history.map { $0["action"] as? String } == ["created", "status", "note", "assignee", "status"])
        #expect(history.map { $0["by"] as? String } == ["jwtaudit", "alice", "bob", "alice", "bob"])
        #expect(history[1]["from"] as? String == "open")
        #expect(history[1]["to"] as? String == "acknowledged")
        #expect(history[1]["note"] as? String == "looking into it")
        #expect(history[4]["to"] as? String == "resolved")
        #expect(try alerts.show(alerts.keyProbe)["status"] as? String == "false_positive")

        let text = try alerts.run(["show", id])
        #expect(text.status == 0)
        #expect(text.output.hasPrefix("alert \(id)  high  brute_force_signature  resolved\n"))
        #expect(text.output.contains("blocked at the edge"))
        // The history table: AT, BY, ACTION, FROM, TO, NOTE.
        let rows = text.output.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
        let expected = ["alice", "status", "open", "acknowledged", "looking", "into", "it"]
        #expect(rows.contains { $0.dropFirst() == expected[...] })
    }

    @Test("an unknown id, a repeated status and a missing data folder exit 1 with a clear message")
    func failures() throws {
        let alerts = try AlertFolder()
        let id = String(alerts.bruteForce)
        #expect(try alerts.run(["ack", id, "--by", "alice"]).status == 0)
        let again = try alerts.run(["ack", id, "--by", "alice"])
        #expect(again.status == 1)
        #expect(again.error.contains("alert \(id) is already acknowledged"))
        for command in [
            ["show", "999"], ["ack", "999", "--by", "a"], ["note", "999", "--by", "a", "--text", "t"],
            ["assign", "999", "--to", "b", "--by", "a"], ["resolve", "999", "--by", "a"],
        ] {
            let result = try alerts.run(command)
            #expect(result.status == 1, "\(command)")
            #expect(result.error.contains("alert 999 does not exist"), "\(command): \(result.error)")
        }
        let empty = try alerts.run(["note", id, "--by", "alice", "--text", " "])
        #expect(empty.status == 1)
        #expect(empty.error.contains("the note is empty"))
        let missing = try DaemonHarness.run(["alerts", "list", "--data", alerts.folder.file("nowhere")])
        #expect(missing.status == 1)
        #expect(missing.error.contains("no data folder at"))
        #expect(!FileManager.default.fileExists(atPath: alerts.folder.file("nowhere")))
        // The history still holds one acknowledgement only.
        let history = try #require(try alerts.show(alerts.bruteForce)["history"] as? [[String: Any]])
        #expect(history.count == 2)
    }

    @Test("a data folder without alerts lists none")
    func noAlerts() throws {
        let folder = try TemporaryDirectory(prefix: "jwtaudit-alerts-cli")
        try DataDirectory(root: folder.file("data")).prepare()
        let result = try DaemonHarness.run(["alerts", "list", "--data", folder.file("data"), "--format", "ndjson"])
        #expect(result.status == 0)
        #expect(result.output.isEmpty)
        let show = try DaemonHarness.run(["alerts", "show", "1", "--data", folder.file("data")])
        #expect(show.status == 1)
        #expect(!FileManager.default.fileExists(atPath: DataDirectory(root: folder.file("data")).alertsPath))
    }
}
