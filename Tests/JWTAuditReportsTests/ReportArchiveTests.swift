import JWTAuditReports
import JWTAuditRetention
import JWTAuditStore
import Testing

/// Reports read the archive tier: moving days out of the online tier changes no figure.
@Suite struct ReportArchiveTests {
    @Test("a report over archived days has the same coverage, rejections and sources as before archiving")
    func archivedDaysCount() throws {
        let fixture = try ReportFixture()
        let before = try ReportBuilder(try fixture.request(.pciDSS)).build()
        let text = """
            {"version": 1, "frameworks": [], "default": {"online_days": 0, "keep_days": 400},
             "alerts": {"keep_days": 400}, "report_exports": {"keep_days": 400}}
            """
        let policy = try RetentionPolicy.parse(Array(text.utf8), file: "archive-all.json")
        _ = try RetentionJob(directory: fixture.directory, policy: policy).run(now: ReportFixture.now, dryRun: false)
        #expect(try fixture.directory.archiveDays().count >= 3)

        let after = try ReportBuilder(try fixture.request(.pciDSS)).build()
        for table in ["coverage_by_day", "coverage_by_service_day", "coverage_gaps", "rejections_by_reason",
                      "rejections_by_service", "rejections_by_source"] {
            let archived = try #require(after.table(table)?.plain, "\(table)")
            #expect(archived == before.table(table)?.plain, "\(table)")
            #expect(!archived.isEmpty, "\(table)")
        }
    }
}
