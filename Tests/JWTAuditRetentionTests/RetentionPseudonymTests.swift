import Foundation
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

@testable import JWTAuditRetention

/// Retention on a pseudonymised store: legal holds by clear `sub` still hold, and retention and
/// `forget` together leave `verify` passing.
@Suite struct RetentionPseudonymTests {
    @Test("a hold on a clear sub keeps that subject's pseudonymised events; forget then retention still verify")
    func holdsOnPseudonyms() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        var configuration = StoreConfiguration()
        configuration.sealThreshold = 1
        let writer = try EventWriter(directory: directory, configuration: configuration)
        let pseudonymiser = try Pseudonymiser(directory: directory, fields: PseudonymField.allCases, now: 0)
        // The hold's period covers only held-user's day: a block outside it is never held, whereas
        // inside it a key filter may (about 2% of the time) not rule out the hold's random pseudonym.
        for (index, block) in [(-520, "gone-a"), (-500, "held-user"), (-10, "recent")].enumerated() {
            var events = (0..<3).map { EventFactory.event(index * 10 + $0, dayOffset: block.0, subject: block.1) }
            try pseudonymiser.pseudonymise(&events)
            try writer.write(events, now: 0)
        }
        try writer.close(now: 0)
        let heldDay = PartitionDay(containing: EventFactory.baseTime - 500 * 86_400_000_000).name
        let text = """
            {"version": 1, "frameworks": [], "default": {"online_days": 90, "keep_days": 400},
             "alerts": {"keep_days": 400}, "report_exports": {"keep_days": 400},
             "legal_holds": [{"id": "CASE-9", "reason": "dispute", "sub": "held-user",
                              "from": "\(heldDay)T00:00:00Z", "to": "\(heldDay)T23:59:59Z"}],
             "pseudonymisation": {"enabled": true}, "schedule": {"at": "03:00"}}
            """
        let policy = try RetentionPolicy.parse(Array(text.utf8), file: "policy.json")
        func found(_ subject: String) throws -> Int {
            var query = EventQuery()
            query.subject = subject
            var count = 0
            try EventSearch(directory: directory).runTranslated(query) { _ in count += 1 }
            return count
        }

        _ = try StoreEraser.forgetOffline(
            directory: directory, field: .subject, value: "recent", requestedBy: "local:dpo", now: 0)
        let report = try RetentionJob(directory: directory, policy: policy)
            .run(now: EventFactory.baseTime, dryRun: false)
        #expect(report.record.holdsApplied == ["CASE-9"])
        #expect(report.record.eventsDeleted == 3)
        #expect(try found("gone-a") == 0)
        #expect(try found("held-user") == 3)
        #expect(try found("recent") == 0)
        #expect(try EventSearch(directory: directory).collect(EventQuery()).count == 6)
        let verification = try StoreVerifier(directory: directory).verify()
        #expect(verification.isIntact, "\(verification.failure.map(String.init(describing:)) ?? "")")
        #expect(verification.tombstones == 1)
    }
}
