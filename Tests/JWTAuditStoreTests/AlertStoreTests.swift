import Foundation
import JWTAuditDetection
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

/// A temporary data folder with a writing alert store.
private struct Fixture {
    let folder: TemporaryDirectory
    let directory: DataDirectory
    let store: AlertStore

    init() throws {
        folder = try TemporaryDirectory(prefix: "jwtaudit-alerts")
        directory = DataDirectory(root: folder.file("data"))
        store = try AlertStore(directory: directory)
    }
}

private let second: Int64 = 1_000_000
private let minute: Int64 = 60 * second
private let t0 = EventFactory.baseTime
private let wallClock = EventFactory.baseTime + 3_600 * second

/// A reference to the test event `index` seconds after ``EventFactory/baseTime``.
private func sample(_ index: Int) -> EventReference {
    EventReference(EventFactory.event(index, outcome: .rejected, reason: .badSignature))
}

private func finding(
    rule: String = "brute_force_signature", severity: Severity = .high,
    key: AlertKey = AlertKey("client_ip", "203.0.113.9"), from: Int64 = t0, to: Int64? = nil, count: Int = 20,
    samples: [EventReference] = [], summary: String = "20 bad signatures from one address in 60 s",
    window: Int64 = 10 * minute
) -> Finding {
    Finding(
        rule: rule, severity: severity, key: key, firstSeen: from, lastSeen: to ?? from + 30 * second, count: count,
        samples: samples, summary: summary, techniques: ["T1110"], tags: ["pci-dss:10.2.1.4"],
        suppressionWindow: window)
}

@Suite("Alert store")
struct AlertStoreTests {
    @Test("a first finding opens an alert with the finding's shape and a `created` history entry")
    func opens() throws {
        let fixture = try Fixture()
        let updates = try fixture.store.record(
            [finding(count: 21, samples: [sample(0), sample(1)])], now: wallClock)
        #expect(updates.count == 1)
        let update = try #require(updates.first)
        #expect(update.kind == .opened)
        #expect(update.isNotifiable)
        let alert = update.alert
        #expect(alert.rule == "brute_force_signature")
        #expect(alert.severity == .high)
        #expect(alert.key == AlertKey("client_ip", "203.0.113.9"))
        #expect(alert.firstSeen == t0)
        #expect(alert.lastSeen == t0 + 30 * second)
        #expect(alert.count == 21)
        #expect(alert.samples == [sample(0), sample(1)])
        #expect(alert.techniques == ["T1110"])
        #expect(alert.tags == ["pci-dss:10.2.1.4"])
        #expect(alert.status == .open)
        #expect(alert.assignee == nil)
        #expect(alert.createdAt == wallClock)
        #expect(alert.history == [AlertChange(action: "created", by: "jwtaudit", at: wallClock, to: "open")])
        #expect(try fixture.store.alert(id: alert.id) == alert)
    }

    @Test("the same rule and key inside the suppression window update one alert (boundary included)")
    func dedupInsideWindow() throws {
        let fixture = try Fixture()
        let first = try #require(try fixture.store.record([finding(count: 20)], now: wallClock).first)
        // Starts exactly `window` after the alert's last_seen: still the same alert.
        let later = finding(from: first.alert.lastSeen + 10 * minute, count: 7)
        let folded = try #require(try fixture.store.record([later], now: wallClock + 1).first)
        #expect(folded.kind == .updated)
        #expect(!folded.isNotifiable)
        #expect(folded.alert.id == first.alert.id)
        #expect(folded.alert.count == 27)
        #expect(folded.alert.firstSeen == t0)
        #expect(folded.alert.lastSeen == later.lastSeen)
        #expect(folded.alert.updatedAt == wallClock + 1)
        #expect(folded.alert.history.map(\.action) == ["created"])
        // A late finding with older events widens first_seen.
        let late = try #require(
            try fixture.store.record([finding(from: t0 - minute, to: t0, count: 1)], now: wallClock + 2).first)
        #expect(late.alert.id == first.alert.id)
        #expect(late.alert.firstSeen == t0 - minute)
        #expect(late.alert.count == 28)
        #expect(try fixture.store.list().count == 1)
    }

    @Test("another key or another rule opens its own alert, even when the key texts coincide")
    func keysAndRules() throws {
        let fixture = try Fixture()
        let a = AlertKey("kid", "x,b=y")
        let b = AlertKey([.init("kid", "x"), .init("b", "y")])
        #expect(a.description == b.description)
        let updates = try fixture.store.record(
            [finding(key: a), finding(key: b), finding(rule: "key_probe", key: a), finding(key: a)], now: wallClock)
        #expect(updates.map(\.kind) == [.opened, .opened, .opened])
        #expect(Set(updates.map(\.alert.id)).count == 3)
        #expect(updates[0].alert.count == 40)
        let stored = try #require(try fixture.store.alert(id: updates[1].alert.id))
        #expect(stored.key == b)
    }

    @Test("a finding that starts after the suppression window opens a new alert")
    func newAfterWindow() throws {
        let fixture = try Fixture()
        let first = try #require(try fixture.store.record([finding()], now: wallClock).first)
        let after = finding(from: first.alert.lastSeen + 10 * minute + 1)
        let reopened = try #require(try fixture.store.record([after], now: wallClock).first)
        #expect(reopened.kind == .opened)
        #expect(reopened.alert.id != first.alert.id)
        #expect(reopened.alert.count == 20)
        // The next finding inside the window goes to the newest alert.
        let next = try #require(
            try fixture.store.record([finding(from: after.lastSeen + second)], now: wallClock).first)
        #expect(next.alert.id == reopened.alert.id)
        #expect(try fixture.store.list().map(\.count) == [40, 20])
    }

    @Test(
        "a resolved or dismissed alert stays closed; an acknowledged one still takes findings",
        arguments: [(AlertStatus.resolved, true), (.falsePositive, true), (.acknowledged, false)])
    func afterTriage(status: AlertStatus, opensNew: Bool) throws {
        let fixture = try Fixture()
        let first = try #require(try fixture.store.record([finding()], now: wallClock).first)
        try fixture.store.setStatus(id: first.alert.id, to: status, by: "alice", now: wallClock + 1)
        let next = try #require(try fixture.store.record([finding(from: t0 + minute)], now: wallClock + 2).first)
        #expect((next.alert.id != first.alert.id) == opensNew)
        #expect(next.kind == (opensNew ? .opened : .updated))
        #expect(try fixture.store.alert(id: first.alert.id)?.status == status)
    }

    @Test("a more severe finding escalates the alert once, in the history; a milder one changes nothing")
    func escalation() throws {
        let fixture = try Fixture()
        let first = try #require(try fixture.store.record([finding(severity: .high)], now: wallClock).first)
        let critical = finding(severity: .critical, from: t0 + minute, summary: "accepted after 20 bad signatures")
        let escalated = try #require(try fixture.store.record([critical], now: wallClock + 5).first)
        #expect(escalated.kind == .escalated)
        #expect(escalated.isNotifiable)
        #expect(escalated.alert.id == first.alert.id)
        #expect(escalated.alert.severity == .critical)
        #expect(escalated.alert.summary == "accepted after 20 bad signatures")
        #expect(
            escalated.alert.history.last
                == AlertChange(action: "escalated", by: "jwtaudit", at: wallClock + 5, from: "high", to: "critical"))

        let milder = try #require(
            try fixture.store.record([finding(severity: .medium, from: t0 + 2 * minute)], now: wallClock + 6).first)
        #expect(milder.kind == .updated)
        #expect(milder.alert.severity == .critical)
        #expect(milder.alert.summary == "accepted after 20 bad signatures")
        #expect(milder.alert.history.map(\.action) == ["created", "escalated"])
    }

    @Test("one batch that opens then escalates an alert reports it once, as opened, in its final state")
    func batchCoalesces() throws {
        let fixture = try Fixture()
        let updates = try fixture.store.record(
            [finding(severity: .high, count: 20), finding(severity: .critical, from: t0 + minute, count: 5)],
            now: wallClock)
        #expect(updates.count == 1)
        #expect(updates.first?.kind == .opened)
        #expect(updates.first?.alert.severity == .critical)
        #expect(updates.first?.alert.count == 25)
        #expect(updates.first?.alert.history.map(\.action) == ["created", "escalated"])
    }

    @Test("samples keep the two oldest and the three newest events, in event-time order, without repeats")
    func samplesBound() throws {
        let fixture = try Fixture()
        let opened = try #require(
            try fixture.store.record([finding(samples: (0..<7).map(sample))], now: wallClock).first)
        #expect(opened.alert.samples == [0, 1, 4, 5, 6].map(sample))
        _ = try fixture.store.record(
            [finding(from: t0 + minute, samples: [sample(6), sample(20), sample(21)])], now: wallClock)
        _ = try fixture.store.record([finding(from: t0 + minute, samples: [sample(3), sample(30)])], now: wallClock)
        let alert = try #require(try fixture.store.alert(id: opened.alert.id))
        #expect(alert.samples == [0, 1, 20, 21, 30].map(sample))
    }

    @Test("list filters by status, rule, minimum severity, since and limit, newest last_seen first")
    func filters() throws {
        let fixture = try Fixture()
        let specs: [(rule: String, severity: Severity, minutes: Int64)] = [
            ("brute_force_signature", .high, 0), ("key_probe", .medium, 10), ("alg_none_attempt", .critical, 20),
            ("refresh_race", .low, 30), ("key_probe", .high, 40),
        ]
        var ids: [Int64] = []
        for (index, spec) in specs.enumerated() {
            let key = AlertKey("client_ip", "198.51.100.\(index)")
            let update = try fixture.store.record(
                [finding(rule: spec.rule, severity: spec.severity, key: key, from: t0 + spec.minutes * minute)],
                now: wallClock)
            ids.append(try #require(update.first).alert.id)
        }
        try fixture.store.setStatus(id: ids[1], to: .acknowledged, by: "alice", now: wallClock)
        try fixture.store.setStatus(id: ids[3], to: .falsePositive, by: "alice", now: wallClock)

        let cases: [(AlertFilter, [Int])] = [
            (AlertFilter(), [4, 3, 2, 1, 0]),
            (AlertFilter(status: .open), [4, 2, 0]),
            (AlertFilter(status: .acknowledged), [1]),
            (AlertFilter(status: .resolved), []),
            (AlertFilter(rule: "key_probe"), [4, 1]),
            (AlertFilter(minimumSeverity: .high), [4, 2, 0]),
            (AlertFilter(minimumSeverity: .critical), [2]),
            (AlertFilter(minimumSeverity: .low), [4, 3, 2, 1, 0]),
            (AlertFilter(since: t0 + 20 * minute + 30 * second), [4, 3, 2]),
            (AlertFilter(since: t0 + 20 * minute + 30 * second + 1), [4, 3]),
            (AlertFilter(limit: 2), [4, 3]),
            (AlertFilter(status: .open, rule: "key_probe", minimumSeverity: .high, since: t0, limit: 10), [4]),
        ]
        for (filter, expected) in cases {
            #expect(try fixture.store.list(filter).map(\.id) == expected.map { ids[$0] }, "\(filter)")
        }
        #expect(try fixture.store.countByStatus() == [.open: 3, .acknowledged: 1, .falsePositive: 1])
    }

    @Test("status, notes and assignee changes are kept in the history with who, when, from, to and note")
    func workflow() throws {
        let fixture = try Fixture()
        let id = try #require(try fixture.store.record([finding()], now: wallClock).first).alert.id
        let store = fixture.store
        try store.setStatus(id: id, to: .acknowledged, by: "alice", note: "looking", now: wallClock + 1)
        try store.assign(id: id, to: "bob", by: "alice", now: wallClock + 2)
        try store.addNote(id: id, by: "bob", text: "blocked 203.0.113.9\nat the edge", now: wallClock + 3)
        let resolved = try store.setStatus(id: id, to: .resolved, by: "bob", now: wallClock + 4)

        #expect(resolved.status == .resolved)
        #expect(resolved.assignee == "bob")
        #expect(resolved.updatedAt == wallClock + 4)
        #expect(
            resolved.notes == [
                AlertNote(author: "alice", at: wallClock + 1, text: "looking"),
                AlertNote(author: "bob", at: wallClock + 3, text: "blocked 203.0.113.9\nat the edge"),
            ])
        #expect(
            resolved.history == [
                AlertChange(action: "created", by: "jwtaudit", at: wallClock, to: "open"),
                AlertChange(
                    action: "status", by: "alice", at: wallClock + 1, from: "open", to: "acknowledged",
                    note: "looking"),
                AlertChange(action: "assignee", by: "alice", at: wallClock + 2, from: nil, to: "bob"),
                AlertChange(
                    action: "note", by: "bob", at: wallClock + 3, note: "blocked 203.0.113.9\nat the edge"),
                AlertChange(action: "status", by: "bob", at: wallClock + 4, from: "acknowledged", to: "resolved"),
            ])
        #expect(try store.alert(id: id) == resolved)
    }

    @Test("an unknown id, the same status, the same assignee and bad names or notes are refused, changing nothing")
    func refusals() throws {
        let fixture = try Fixture()
        let store = fixture.store
        let id = try #require(try store.record([finding()], now: wallClock).first).alert.id
        try store.assign(id: id, to: "bob", by: "alice", now: wallClock)
        let before = try #require(try store.alert(id: id))

        func code(_ body: () throws -> Void) -> AlertStoreError.Code? {
            do {
                try body()
                return nil
            } catch let error as AlertStoreError {
                return error.code
            } catch {
                return nil
            }
        }
        #expect(code { try store.setStatus(id: 999, to: .resolved, by: "alice", now: wallClock) } == .unknownAlert)
        #expect(code { try store.addNote(id: 999, by: "alice", text: "x", now: wallClock) } == .unknownAlert)
        #expect(code { try store.assign(id: 999, to: "bob", by: "alice", now: wallClock) } == .unknownAlert)
        #expect(code { try store.setStatus(id: id, to: .open, by: "alice", now: wallClock) } == .unchanged)
        #expect(code { try store.assign(id: id, to: "bob", by: "alice", now: wallClock) } == .unchanged)
        #expect(code { try store.setStatus(id: id, to: .resolved, by: " ", now: wallClock) } == .invalidInput)
        #expect(
            code { try store.setStatus(id: id, to: .resolved, by: "ali\u{1b}[2Jce", now: wallClock) } == .invalidInput)
        #expect(code { try store.addNote(id: id, by: "alice", text: "", now: wallClock) } == .invalidInput)
        #expect(
            code { try store.addNote(id: id, by: String(repeating: "a", count: 201), text: "x", now: wallClock) }
                == .invalidInput)
        #expect(
            code { try store.addNote(id: id, by: "alice", text: String(repeating: "n", count: 10_001), now: wallClock) }
                == .invalidInput)
        #expect(try store.alert(id: id) == before)

        do {
            try store.setStatus(id: id, to: .open, by: "alice", now: wallClock)
        } catch let error as AlertStoreError {
            #expect(error.description == "alert \(id) is already open")
        }
        do {
            try store.addNote(id: 999, by: "alice", text: "x", now: wallClock)
        } catch let error as AlertStoreError {
            #expect(error.description == "alert 999 does not exist")
        }
    }

    @Test("history and note rows cannot be updated or deleted, even with raw SQL")
    func appendOnly() throws {
        let fixture = try Fixture()
        let id = try #require(try fixture.store.record([finding()], now: wallClock).first).alert.id
        try fixture.store.addNote(id: id, by: "alice", text: "first look", now: wallClock + 1)
        let before = try #require(try fixture.store.alert(id: id))

        let raw = try SQLiteConnection(path: fixture.directory.alertsPath)
        for sql in [
            "UPDATE alert_history SET who = 'mallory'",
            "UPDATE alert_history SET note = NULL WHERE action = 'note'",
            "DELETE FROM alert_history",
            "DELETE FROM alert_history WHERE action = 'note'",
            "UPDATE notes SET text = 'nothing to see'",
            "DELETE FROM notes",
        ] {
            #expect(throws: SQLiteError.self, "\(sql)") { try raw.execute(sql) }
        }
        #expect(try raw.scalarInt("SELECT count(*) FROM alert_history") == 2)
        #expect(try fixture.store.alert(id: id) == before)
        // Appending still works.
        try fixture.store.setStatus(id: id, to: .resolved, by: "alice", now: wallClock + 2)
        #expect(try raw.scalarInt("SELECT count(*) FROM alert_history") == 3)
    }

    @Test("reopening the file, as writer or reader, keeps every alert, sample, note and history entry")
    func reopen() throws {
        let folder = try TemporaryDirectory(prefix: "jwtaudit-alerts")
        let directory = DataDirectory(root: folder.file("data"))
        var expected: [Alert] = []
        do {
            let store = try AlertStore(directory: directory)
            let a = try #require(try store.record([finding(samples: [sample(1), sample(2)])], now: wallClock).first)
            let b = try #require(
                try store.record([finding(rule: "alg_none_attempt", severity: .critical)], now: wallClock).first)
            try store.setStatus(id: a.alert.id, to: .acknowledged, by: "alice", note: "on it", now: wallClock + 1)
            try store.assign(id: b.alert.id, to: "carol", by: "alice", now: wallClock + 2)
            expected = try [a.alert.id, b.alert.id].map { try #require(try store.alert(id: $0)) }
        }
        let writer = try AlertStore(directory: directory)
        #expect(try expected.map { try writer.alert(id: $0.id) } == expected)
        let reader = try AlertStore(directory: directory, readOnly: true)
        #expect(try expected.map { try reader.alert(id: $0.id) } == expected)
        #expect(try reader.list().count == 2)
        // A finding after reopening still folds into the acknowledged alert.
        let again = try #require(try writer.record([finding(from: t0 + minute)], now: wallClock + 3).first)
        #expect(again.alert.id == expected[0].id)
        #expect(try reader.alert(id: expected[0].id)?.count == 40)
    }

    @Test("the file lives in the data folder, in WAL mode")
    func fileLayout() throws {
        let fixture = try Fixture()
        #expect(fixture.directory.alertsPath == fixture.folder.file("data") + "/alerts.sqlite")
        #expect(FileManager.default.fileExists(atPath: fixture.directory.alertsPath))
        let raw = try SQLiteConnection(path: fixture.directory.alertsPath, readOnly: true)
        let mode = try raw.prepare("PRAGMA journal_mode")
        #expect(try mode.step())
        #expect(mode.text(0) == "wal")
    }
}
