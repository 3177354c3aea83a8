import Foundation
import JWTAuditReports
import JWTAuditTesting
import Testing

/// Event data (attackers choose user_agent, kid, client_ip, sub) never reaches a report unescaped,
/// and the HTML page refers to nothing outside itself.
@Suite struct ReportRenderingTests {
    @Test("HTML: event values are escaped, no script, no external reference, charts inline")
    func html() throws {
        let fixture = try ReportFixture()
        for framework in ReportFramework.allCases {
            let export = try ReportExport.generate(
                try fixture.request(framework, policy: ReportFixture.policy), format: .html, key: fixture.key,
                via: "cli")
            let page = String(decoding: export.file, as: UTF8.self).lowercased()
            let forbidden = [
                "<script", "http:", "https:", "src=", "url(", "@import", "<link", "<iframe", "<img", "<object",
                "<embed", "xlink:href", "javascript:", "<base", "<form",
            ]
            for text in forbidden {
                #expect(!page.contains(text), "\(framework): \(text)")
            }
            #expect(!page.contains(#"a"b'c"#))
            #expect(!page.contains("<b>bob</b>"))
            #expect(page.hasPrefix("<!doctype html>"))
        }
        let pci = String(
            decoding: try ReportExport.generate(
                try fixture.request(.pciDSS, policy: ReportFixture.policy), format: .html, key: fixture.key,
                via: "cli"
            ).file, as: UTF8.self)
        #expect(pci.contains("kid=a&quot;b&#39;c"))
        #expect(pci.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
        #expect(pci.contains("&lt;script&gt;x&lt;/script&gt;"))
        #expect(pci.contains("<svg role=\"img\""))
        #expect(pci.components(separatedBy: "<svg").count - 1 == 2)
        #expect(pci.contains("@media print"))
    }

    @Test("JSON parses and carries event values exactly; CSV defuses formulas and quotes")
    func jsonAndCSV() throws {
        let fixture = try ReportFixture()
        let export = try ReportExport.generate(
            try fixture.request(.pciDSS), format: .json, key: fixture.key, via: "cli")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(export.file)) as? [String: Any])
        #expect(object["jwtaudit_report"] as? Int == 1)
        #expect((object["signature"] as? [String: Any])?["digest"] as? String == export.signature.digest)
        let sections = try #require(object["sections"] as? [[String: Any]])
        let tables = sections.flatMap { $0["tables"] as? [[String: Any]] ?? [] }
        let alerts = try #require(tables.first { $0["id"] as? String == "alerts" })
        let rows = try #require(alerts["rows"] as? [[Any]])
        #expect(rows.contains { ($0[11] as? String) == #"kid=a"b'c"# })
        #expect(rows.contains { ($0[12] as? String)?.contains(ReportFixture.hostileAgent) == true })

        let csv = ReportCSV.files(try ReportBuilder(try fixture.request(.pciDSS)).build())
        let alertsCSV = String(decoding: try #require(csv.first { $0.name == "alerts.csv" }).bytes, as: UTF8.self)
        #expect(alertsCSV.contains(#""kid=a""b'c""#))
        #expect(alertsCSV.hasPrefix("id,rule,severity,status,first_seen,"))
        #expect(alertsCSV.hasSuffix("\r\n"))
        #expect(ReportCSV.field("=HYPERLINK(1)") == "'=HYPERLINK(1)")
        #expect(ReportCSV.field("-1") == "'-1")
        #expect(ReportCSV.field("a,b") == #""a,b""#)
    }
}
