import Foundation
import JWTAuditDetection
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

/// Pseudonymised storage: what lands on disk, search by clear value, and erasure by destroying keys.
@Suite struct PseudonymisationTests {
    static let alice = "alice@example.org"
    static let aliceAddress = "198.51.100.77"

    /// Events of three subjects; alice's come from her own address.
    private func events(_ range: Range<Int>) -> [AuditEvent] {
        range.map { index in
            var event = EventFactory.event(index, subject: index % 3 == 0 ? Self.alice : "bob-\(index % 3)")
            if index % 3 == 0 { event.clientIP = Self.aliceAddress }
            return event
        }
    }

    /// Writes `events` pseudonymised, sealed, into a new store.
    private func store(_ events: [AuditEvent], fields: [PseudonymField] = PseudonymField.allCases) throws
        -> (TemporaryDirectory, DataDirectory)
    {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        let pseudonymiser = try Pseudonymiser(directory: directory, fields: fields, now: 1)
        let writer = try EventWriter(directory: directory)
        var events = events
        try pseudonymiser.pseudonymise(&events)
        try writer.write(events, now: 0)
        try writer.close(now: 0)
        return (folder, directory)
    }

    /// Every file under `path`, recursively, with its bytes.
    private func files(_ path: String) throws -> [(path: String, bytes: [UInt8])] {
        var found: [(String, [UInt8])] = []
        let enumerator = FileManager.default.enumerator(atPath: path)
        while let name = enumerator?.nextObject() as? String {
            let full = path + "/" + name
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue else {
                continue
            }
            found.append((full, Array(try Data(contentsOf: URL(fileURLWithPath: full)))))
        }
        return found
    }

    private func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        Data(haystack).range(of: Data(needle)) != nil
    }

    private func searchSubject(_ directory: DataDirectory, _ value: String) throws -> [AuditEvent] {
        var query = EventQuery()
        query.subject = value
        var found: [AuditEvent] = []
        try EventSearch(directory: directory).runTranslated(query) { found.append($0) }
        return found
    }

    @Test("sub and client_ip are stored as ps: pseudonyms: equal values equal, fields apart, stable across reopen")
    func pseudonymsAreConsistent() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        var first = events(0..<6)
        try Pseudonymiser(directory: directory, fields: PseudonymField.allCases, now: 1).pseudonymise(&first)
        #expect(first.allSatisfy { Pseudonym.isPseudonym($0.subject ?? "") })
        #expect(first.allSatisfy { Pseudonym.isPseudonym($0.clientIP ?? "") })
        #expect(first[0].subject == first[3].subject)
        #expect(first[0].subject != first[1].subject)
        #expect(first[0].clientIP != first[0].subject)

        var later = events(0..<6)
        later[1].clientIP = Self.alice  // the same text in the other field
        try Pseudonymiser(directory: directory, fields: PseudonymField.allCases, now: 2).pseudonymise(&later)
        #expect(later[0].subject == first[0].subject, "a reopened table gives the same pseudonym")
        #expect(later[1].clientIP != first[0].subject, "the same text in another field has another pseudonym")
    }

    @Test("a pseudonymised store holds no clear sub or client_ip: not in decoded events, not in any file's bytes")
    func nothingInClear() throws {
        let (folder, directory) = try store(events(0..<300))
        defer { withExtendedLifetime(folder) {} }
        let stored = try EventSearch(directory: directory).collect(EventQuery())
        #expect(stored.count == 300)
        for event in stored {
            #expect(Pseudonym.isPseudonym(event.subject ?? ""))
            #expect(Pseudonym.isPseudonym(event.clientIP ?? ""))
            #expect(!event.attributes.values.contains(Self.alice))
        }
        let clear = [Self.alice, Self.aliceAddress, "bob-1", "192.0.2.5"].map { Array($0.utf8) }
        let all = try files(directory.root)
        #expect(all.count >= 4)
        for file in all {
            for value in clear {
                let found = contains(file.bytes, value)
                #expect(!found, "\(file.path) holds a clear value")
            }
        }
    }

    @Test("search by clear sub or client_ip finds the events; by pseudonym too; an unknown value finds none")
    func searchByClearValue() throws {
        let (folder, directory) = try store(events(0..<90))
        defer { withExtendedLifetime(folder) {} }
        let bySubject = try searchSubject(directory, Self.alice)
        #expect(bySubject.count == 30)
        #expect(Set(bySubject.compactMap(\.subject)).count == 1)
        let pseudonym = try #require(bySubject.first?.subject)
        #expect(try searchSubject(directory, pseudonym).count == 30)
        #expect(try searchSubject(directory, "carol").isEmpty)

        var byAddress = EventQuery()
        byAddress.clientIP = Self.aliceAddress
        byAddress.limit = 7
        var found: [AuditEvent] = []
        try EventSearch(directory: directory).runTranslated(byAddress) { found.append($0) }
        #expect(found.count == 7)
        #expect(found.map(\.tokenID) == (0..<7).map { "jti-0-\($0 * 3)" })
        #expect(try PseudonymLookup(directory: directory).fieldNames == ["client_ip", "sub"])
    }

    @Test("forget destroys the key: the events stay (verify passes) but nothing finds or recovers them")
    func forgetSubject() throws {
        let (folder, directory) = try store(events(0..<90))
        defer { withExtendedLifetime(folder) {} }
        let pseudonym = try #require(try searchSubject(directory, Self.alice).first?.subject)
        let key = try #require(try keyOf(directory, .subject, Self.alice))
        let ledger = try LedgerStore(directory: directory)
        try ledger.apply([
            .upsertToken(
                LedgerToken(
                    tokenID: "r1", tokenType: .refresh, family: "f1", subject: pseudonym, state: .active, issuedAt: 1,
                    changedAt: 1, successor: nil, expiresAt: .max, clientIP: nil, userAgent: nil)),
            .upsertToken(
                LedgerToken(
                    tokenID: "r2", tokenType: .refresh, family: "f2", subject: "ps:someone-else", state: .active,
                    issuedAt: 1, changedAt: 1, successor: nil, expiresAt: .max, clientIP: nil, userAgent: nil)),
        ])

        let outcome = try StoreEraser.forgetOffline(
            directory: directory, field: .subject, value: Self.alice, requestedBy: "local:dpo",
            now: 1_800_000_000_000_000)
        #expect(outcome.hadKey)
        #expect(outcome.eventsAffected == 30)
        #expect(outcome.clearEvents == 0)

        #expect(try searchSubject(directory, Self.alice).isEmpty)
        #expect(try EventSearch(directory: directory).collect(EventQuery()).count == 90)
        let report = try StoreVerifier(directory: directory).verify()
        #expect(report.isIntact, "\(report.failure.map(String.init(describing:)) ?? "")")
        for file in try files(directory.root) {
            let found = contains(file.bytes, key)
            #expect(!found, "\(file.path) still holds the destroyed key")
        }
        #expect(try LedgerStore(directory: directory).load().tokens.map(\.tokenID) == ["r2"])

        let requests = try ForgetRequestLog(directory: directory, readOnly: true).all()
        #expect(requests.map(\.field) == [.subject])
        #expect(requests.first?.requestedAt == 1_800_000_000_000)
        #expect(requests.first?.requestedBy == "local:dpo")
        #expect(requests.first?.eventsAffected == 30)
        let meta = try SQLiteConnection(path: directory.metaPath, readOnly: true)
        let columns = try meta.prepare("SELECT name, type, \"notnull\", pk FROM pragma_table_info('forget_requests')")
        var schema: [String] = []
        while try columns.step() {
            schema.append("\(columns.text(0) ?? "") \(columns.text(1) ?? "") \(columns.int64(2)) \(columns.int64(3))")
        }
        #expect(
            schema == [
                "id INTEGER 0 1", "requested_at INTEGER 1 0", "field TEXT 1 0", "requested_by TEXT 1 0",
                "events_affected INTEGER 1 0",
            ])

        var again = events(0..<3)
        try Pseudonymiser(directory: directory, fields: PseudonymField.allCases, now: 3).pseudonymise(&again)
        #expect(again[0].subject != pseudonym, "a later event of the forgotten value gets a new, unrelated pseudonym")
        let second = try StoreEraser.forgetOffline(
            directory: directory, field: .subject, value: "carol", requestedBy: "local:dpo", now: 1)
        #expect(!second.hadKey && second.eventsAffected == 0)
    }

    @Test("forget of a client_ip unlinks its events and blanks it in ledger tokens, which stay")
    func forgetAddress() throws {
        let (folder, directory) = try store(events(0..<30))
        defer { withExtendedLifetime(folder) {} }
        var query = EventQuery()
        query.clientIP = Self.aliceAddress
        let stored = try EventSearch(directory: directory).collect(try translated(directory, query))
        let pseudonym = try #require(stored.first?.clientIP)
        try LedgerStore(directory: directory).apply([
            .upsertToken(
                LedgerToken(
                    tokenID: "r1", tokenType: .refresh, family: "f1", subject: "ps:x", state: .active, issuedAt: 1,
                    changedAt: 1, successor: nil, expiresAt: .max, clientIP: pseudonym, userAgent: "ua"))
        ])
        let outcome = try StoreEraser.forgetOffline(
            directory: directory, field: .clientIP, value: Self.aliceAddress, requestedBy: "local:dpo", now: 1)
        #expect(outcome.eventsAffected == 10)
        var found = 0
        try EventSearch(directory: directory).runTranslated(query) { _ in found += 1 }
        #expect(found == 0)
        let tokens = try LedgerStore(directory: directory).load().tokens
        #expect(tokens.count == 1 && tokens.first?.clientIP == nil)
    }

    @Test("a store that keeps a field in clear refuses to forget it")
    func refusesClearField() throws {
        let (folder, directory) = try store(events(0..<9), fields: [.clientIP])
        defer { withExtendedLifetime(folder) {} }
        #expect(throws: StoreEraser.Refusal.self) {
            try StoreEraser.forgetOffline(
                directory: directory, field: .subject, value: Self.alice, requestedBy: "local:dpo", now: 1)
        }
        #expect(try searchSubject(directory, Self.alice).count == 3, "sub is kept in clear and found as such")
        #expect(try ForgetRequestLog(directory: directory, readOnly: true).all().isEmpty)
    }

    @Test("events stored before pseudonymisation began are still found by clear value, and forget reports them")
    func clearBefore() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        let writer = try EventWriter(directory: directory)
        try writer.write(events(0..<9), now: 0)
        let pseudonymiser = try Pseudonymiser(directory: directory, fields: PseudonymField.allCases, now: 1)
        var later = events(9..<18)
        try pseudonymiser.pseudonymise(&later)
        try writer.write(later, now: 0)
        try writer.close(now: 0)

        let found = try searchSubject(directory, Self.alice)
        #expect(found.count == 6)
        #expect(found.filter { $0.subject == Self.alice }.count == 3)
        let outcome = try StoreEraser.forgetOffline(
            directory: directory, field: .subject, value: Self.alice, requestedBy: "local:dpo", now: 1)
        #expect(outcome.eventsAffected == 3)
        #expect(outcome.clearEvents == 3)
        #expect(outcome.lines.contains { $0.hasPrefix("warning: 3 events stored while pseudonymisation was off") })
    }

    private func translated(_ directory: DataDirectory, _ query: EventQuery) throws -> EventQuery {
        try #require(try PseudonymLookup(directory: directory).translate(query).first)
    }

    /// The raw key of `value` as the key table holds it, found by elimination: the one row whose
    /// key turns `value` into its stored pseudonym.
    private func keyOf(_ directory: DataDirectory, _ field: PseudonymField, _ value: String) throws -> [UInt8]? {
        let connection = try SQLiteConnection(path: PseudonymVault.path(in: directory), readOnly: true)
        let rows = try connection.prepare("SELECT key FROM pseudonym_keys")
        var query = EventQuery()
        query.subject = value
        let stored = try EventSearch(directory: directory).collect(try translated(directory, query)).first?.subject
        while try rows.step() {
            let key = rows.blob(0)
            if Pseudonym.make(key: key, value: value) == stored { return key }
        }
        return nil
    }
}
