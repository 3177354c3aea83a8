import Foundation
import JWTAuditModel
import JWTAuditReports
import JWTAuditStore
import JWTAuditTesting
import Testing

/// Every number of every section, for a store whose contents are known (ReportFixture).
@Suite struct ReportEvidenceTests {
    let d0 = "2026-11-29"
    let d1 = "2026-11-30"
    let d2 = "2026-12-01"

    @Test("a PCI DSS report's coverage, gaps, rejections and sources are exact")
    func coverageAndRejections() throws {
        let fixture = try ReportFixture()
        let report = try ReportBuilder(try fixture.request(.pciDSS, policy: ReportFixture.policy)).build()
        #expect(report.sections.map(\.id) == [
            "coverage", "invalid_access", "recorded_fields", "integrity", "review", "retention", "exports",
        ])
        #expect(report.section("invalid_access")?.requirements.map(\.id) == ["10.2.1.4"])
        #expect(report.section("review")?.requirements.map(\.id) == ["10.4.1", "10.4.1.1"])
        #expect(report.table("coverage_by_day")?.plain == [
            [d0, 21, 15, 6, 2], [d1, 6, 6, 0, 1], [d2, 6, 5, 1, 2],
        ])
        #expect(report.table("coverage_by_service_day")?.plain == [
            [d0, "api", 14, 10, 4], [d0, "payments", 7, 5, 2], [d1, "api", 6, 6, 0], [d2, "api", 4, 3, 1],
            [d2, "payments", 2, 2, 0],
        ])
        #expect(report.table("coverage_gaps")?.plain == [[d1, "payments", "no event stored from this service"]])
        #expect(report.section("coverage")?.summary.first == "33 events from 2 services over 3 days (\(d0) to \(d2)).")
        #expect(report.table("rejections_by_reason")?.plain == [
            ["bad_signature", 3], ["key_unknown", 2], ["alg_none", 1], ["expired", 1],
        ])
        #expect(report.table("rejections_by_service")?.plain == [
            ["api", "bad_signature", 3], ["api", "alg_none", 1], ["api", "expired", 1], ["payments", "key_unknown", 2],
        ])
        #expect(report.table("rejections_by_source")?.plain == [
            ["203.0.113.9", "api", "bad_signature", 3], ["203.0.113.9", "payments", "key_unknown", 2],
            ["198.51.100.7", "api", "expired", 1], [ReportFixture.hostileAddress, "api", "alg_none", 1],
        ])
        #expect(report.section("invalid_access")?.summary.contains(
            "3 distinct source addresses (an event without an address counts as one source, shown as null).") == true)
        #expect(report.table("events_by_kind")?.plain == [
            ["validate", "access", "accepted", 26], ["validate", "access", "rejected", 7],
        ])
    }

    @Test("integrity, review, retention and exports sections state exact figures")
    func integrityReviewRetention() throws {
        let fixture = try ReportFixture()
        let report = try ReportBuilder(try fixture.request(.pciDSS, policy: ReportFixture.policy)).build()
        let integrity = try #require(report.table("integrity_verification"))
        let facts = Dictionary(
            uniqueKeysWithValues: integrity.plain.map { ($0[0] as! String, ($0[1] as? String) ?? "null") })
        #expect(facts["result"] == "intact")
        #expect(facts["chained blocks"] == "4")
        #expect(facts["events in stored blocks"] == "34")
        #expect(facts["checkpoint tree sizes"] == "4…4")
        #expect(report.chainHead.sequence == 4)
        #expect(report.table("checkpoints")?.plain.map { $0[1] } == [4, 4])

        #expect(report.table("alerts_by_rule")?.plain == [
            ["brute_force_signature", "high", 1, 1, 0, 600, 600], ["header_injection", "medium", 1, 0, 1, nil, nil],
        ])
        let alerts = try #require(report.table("alerts"))
        #expect(alerts.plain.map { $0[9] } == [600, nil])
        #expect(alerts.plain.map { $0[10] } == ["alice", nil])
        #expect(
            report.table("open_alerts_over_a_day")?.plain.map { [$0[0], $0[1], $0[4]] } == [[2, "header_injection", 82]])
        #expect(report.table("daily_review")?.plain == [[d0, 2, 1, "alice"], [d1, 0, 0, nil], [d2, 0, 0, nil]])
        #expect(report.section("review")?.summary.contains { $0.contains("median time to triage 10 min") } == true)

        #expect(report.table("retention_policy")?.plain == [
            ["events keep_days", 400, 365, "required: 10.5.1: 12 months", "yes"],
            ["events online_days", 90, 90, "required: 10.5.1: 3 months online", "yes"],
            ["alerts keep_days", 730, 365, "required: 10.5.1", "yes"],
            ["report_exports keep_days", 1095, 365, "required: 10.2.1.3, 10.5.1", "yes"],
        ])
        #expect(report.table("legal_holds")?.plain == [["CASE-7", "dispute", nil, "<b>bob</b>", nil, nil]])
        let stored = Dictionary(
            uniqueKeysWithValues: try #require(report.table("stored_data")).plain.map {
                ($0[0] as! String, ($0[1] as? String) ?? "null")
            })
        #expect(stored["oldest stored event"] == "2026-11-29T00:00:00Z")
        #expect(stored["its age in days"] == "3")
        #expect(stored["days stored (either tier)"] == "4")
        #expect(stored["days in the archive tier"] == "0")
        #expect(stored["events stored"] == "34")
        #expect(stored["blocks deleted by retention"] == "0")
        #expect(report.section("retention")?.summary.first?.contains("meets every PCI DSS 4.0.1 minimum") == true)
        #expect(report.table("report_exports")?.rows.isEmpty == true)
        #expect(report.section("exports")?.status == .noEvidence)
    }

    @Test("an export is recorded with who, framework, period and digest, and appears in the next report")
    func exportsAppearLater() throws {
        let fixture = try ReportFixture()
        let first = try ReportExport.generate(try fixture.request(.soc2), format: .json, key: fixture.key, via: "cli")
        var later = try fixture.request(.pciDSS)
        later.generatedBy = "carol"
        let report = try ReportBuilder(later).build()
        #expect(report.table("report_exports")?.plain == [[
            Timestamp.format(ReportFixture.now), "auditor", "cli", "soc2", "json", "2026-11-29T00:00:00Z",
            "2026-12-02T00:00:00Z", first.signature.digest,
        ]])
        #expect(report.section("exports")?.status == .evidence)
    }

    @Test("a day with no event at all is one gap for the whole day")
    func silentDay() throws {
        let fixture = try ReportFixture(skipDay1Entirely: true)
        let report = try ReportBuilder(try fixture.request(.sox)).build()
        #expect(report.table("coverage_gaps")?.plain == [[d1, nil, "no event stored from any service"]])
        #expect(report.table("coverage_by_day")?.plain[1] == [d1, 0, 0, 0, 0])
    }

    @Test("GDPR: forget requests are listed when the table exists, and their absence is said plainly")
    func forgetRequests() throws {
        let fixture = try ReportFixture()
        var report = try ReportBuilder(try fixture.request(.gdpr, policy: ReportFixture.policy)).build()
        #expect(report.section("forget_requests")?.summary == [
            "No forget request is recorded: this store has no forget_requests table (no request was ever made, or "
                + "this version cannot record them)."
        ])
        #expect(report.table("pseudonymisation")?.plain == [["sub", "no"], ["client_ip", "yes"]])
        let meta = try SQLiteConnection(path: fixture.directory.metaPath)
        try meta.execute(
            """
            CREATE TABLE forget_requests(id INTEGER PRIMARY KEY, requested_at INTEGER NOT NULL, field TEXT NOT NULL,
                requested_by TEXT NOT NULL, events_affected INTEGER NOT NULL);
            INSERT INTO forget_requests VALUES (1, \((ReportFixture.day0 + ReportFixture.day) / 1000), 'sub', 'dpo', 5);
            INSERT INTO forget_requests
                VALUES (2, \((ReportFixture.day0 + 4 * ReportFixture.day) / 1000), 'client_ip', 'dpo', 9);
            """)
        report = try ReportBuilder(try fixture.request(.gdpr, policy: ReportFixture.policy)).build()
        #expect(report.table("forget_requests")?.plain == [[1, "2026-11-30T00:00:00Z", "sub", "dpo", 5]])
        #expect(
            report.section("forget_requests")?.summary.first?.hasPrefix("1 forget request in the period, affecting 5")
                == true)
        #expect(report.sections.map(\.requirements.first!.id) == [
            "Art. 5(1)(c)", "Art. 5(1)(e)", "Art. 17", "Art. 25", "Art. 32", "Art. 32", "Art. 5(2)",
        ])
    }

    @Test("partitions written before rejection_sources and hourly_rollups are read another way, then migrated")
    func migration() throws {
        let fixture = try ReportFixture()
        let period = ReportFixture.period
        let expected = try RejectionSourceCounts.read(fixture.directory, from: nil, to: nil)
        #expect(expected.rows.reduce(0) { $0 + $1.events } == 8)
        let hourly = try DailyRollups.read(fixture.directory, from: period.from, to: period.to)
        #expect(hourly.rows.reduce(0) { $0 + $1.events } == 33)
        for day in try fixture.directory.partitionDays() {
            try SQLiteConnection(path: fixture.directory.partitionPath(day)).execute(
                "DROP TABLE rejection_sources; DROP TABLE hourly_rollups")
        }
        let computed = try RejectionSourceCounts.read(fixture.directory, from: nil, to: nil)
        #expect(computed.rows == expected.rows)
        #expect(computed.computedFromBlocks.count == 4)
        #expect(try DailyRollups.read(fixture.directory, from: period.from, to: period.to).rows == hourly.rows)
        let writer = try EventWriter(directory: fixture.directory)
        try writer.close(now: ReportFixture.now)
        let migrated = try RejectionSourceCounts.read(fixture.directory, from: nil, to: nil)
        #expect(migrated.rows == expected.rows)
        #expect(migrated.computedFromBlocks.isEmpty)
        let day = try #require(try fixture.directory.partitionDays().first)
        let rows = try SQLiteConnection(path: fixture.directory.partitionPath(day), readOnly: true)
            .scalarInt("SELECT sum(events) FROM hourly_rollups")
        #expect(rows == 21)
        #expect(try DailyRollups.read(fixture.directory, from: period.from, to: period.to).rows == hourly.rows)
    }
}
