import Foundation
import JWTAuditModel
import JWTAuditTesting
import Testing

/// `jwtaudit report`, `verify-report` and `POST /api/v1/reports` on a running daemon's store.
@Suite struct ReportTests {
    /// Three events: two accepted, one rejected carrying hostile values.
    static func events() -> [String] {
        [
            EventLine.validate(ts: now(-60), service: "api", outcome: "accepted"),
            EventLine.validate(ts: now(-50), service: "payments", outcome: "accepted"),
            EventLine.validate(
                ts: now(-40), service: "api", outcome: "rejected", reason: "key_unknown", clientIP: "203.0.113.9",
                extra: [#""user_agent":"<script>alert(1)</script>""#, #""kid":"a\"b'c""#]),
        ]
    }

    /// `bytes` with one character changed in its middle.
    static func changedInTheMiddle(_ path: String) throws {
        var bytes = Array(try Data(contentsOf: URL(fileURLWithPath: path)))
        let index = bytes.count / 2
        bytes[index] = bytes[index] == UInt8(ascii: "1") ? UInt8(ascii: "2") : UInt8(ascii: "1")
        try Data(bytes).write(to: URL(fileURLWithPath: path))
    }

    @Test("report writes signed JSON, HTML and CSV; verify-report exits 0 intact and 1 after a one-character change")
    func commandLine() throws {
        try withDaemon { daemon in
            try sendAcknowledged(daemon, Self.events())
            let keys = try DaemonHarness.run(["keys", "export", "--data", daemon.dataPath])
            #expect(keys.status == 0, "\(keys.error)")
            let keyFile = daemon.folder.file("signer.pem")
            try keys.output.write(toFile: keyFile, atomically: true, encoding: .utf8)
            for format in ["json", "html", "csv"] {
                let out = daemon.folder.file("report-\(format)")
                let made = try DaemonHarness.run([
                    "report", "--data", daemon.dataPath, "--framework", "pci-dss", "--from", "2h", "--format", format,
                    "--out", out, "--by", "audrey",
                ])
                #expect(made.status == 0, "\(made.error)")
                #expect(made.error.contains("recorded as export"))
                let intact = try DaemonHarness.run(["verify-report", out, "--key", keyFile])
                #expect(intact.status == 0, "\(intact.output)")
                #expect(intact.output.hasPrefix("intact: pci-dss report (\(format))"))
                try Self.changedInTheMiddle(format == "csv" ? out + "/coverage_by_service_day.csv" : out)
                let changed = try DaemonHarness.run(["verify-report", out, "--key", keyFile])
                #expect(changed.status == 1)
                #expect(changed.output.hasPrefix("CHANGED: "))
            }
            let json = try String(contentsOfFile: daemon.folder.file("report-json"), encoding: .utf8)
            #expect(json.contains(#"["api","key_unknown",1]"#))

            let bundle = daemon.folder.file("bundle")
            let bundled = try DaemonHarness.run([
                "report", "--data", daemon.dataPath, "--framework", "gdpr", "--from", "2h", "--format", "html",
                "--out", daemon.folder.file("gdpr.html"), "--bundle", bundle,
            ])
            #expect(bundled.status == 0, "\(bundled.error)")
            let checked = try DaemonHarness.run(["verify-report", bundle])
            #expect(checked.status == 0, "\(checked.output) \(checked.error)")
            #expect(checked.output.contains("public-keys.pem in the bundle"))
            let events = try String(contentsOfFile: bundle + "/events.ndjson", encoding: .utf8)
            #expect(events.split(separator: "\n").count == 3)

            // Every export so far shows in the next report.
            let later = try DaemonHarness.run([
                "report", "--data", daemon.dataPath, "--framework", "soc2", "--from", "2h", "--format", "json",
            ])
            let object = try replyObject(later.output.trimmingCharacters(in: .whitespacesAndNewlines))
            let sections = object["sections"] as? [[String: Any]] ?? []
            let tables = sections.flatMap { $0["tables"] as? [[String: Any]] ?? [] }
            let exports = tables.first { $0["id"] as? String == "report_exports" }?["rows"] as? [[Any]] ?? []
            #expect(exports.count == 4)
            #expect(exports.filter { $0[1] as? String == "audrey" }.count == 3)
        }
    }

    @Test("POST /api/v1/reports: an auditor gets a signed report recorded under the token's name; an analyst gets 403")
    func httpAPI() throws {
        try withDaemon { daemon in
            try sendAcknowledged(daemon, Self.events())
            let auditor = try createToken(daemon.dataPath, name: "audrey", role: "auditor")
            let analyst = try createToken(daemon.dataPath, name: "alice", role: "analyst")
            let port = try daemon.httpPort()
            let body = #"{"framework":"pci-dss","from":"2h","format":"html"}"#
            let refused = try HTTPTestClient.request("POST", "/api/v1/reports", port: port, token: analyst, body: body)
            #expect(refused.status == 403)
            #expect(try HTTPTestClient.request("GET", "/api/v1/reports", port: port, token: analyst).status == 403)

            let response = try HTTPTestClient.request("POST", "/api/v1/reports", port: port, token: auditor, body: body)
            #expect(response.status == 200, "\(response.text)")
            #expect(response.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(response.headers["content-disposition"]?.hasPrefix("attachment") == true)
            let page = daemon.folder.file("api.html")
            try response.body.write(to: URL(fileURLWithPath: page))
            let keys = try DaemonHarness.run(["keys", "export", "--data", daemon.dataPath])
            let keyFile = daemon.folder.file("signer.pem")
            try keys.output.write(toFile: keyFile, atomically: true, encoding: .utf8)
            let verified = try DaemonHarness.run(["verify-report", page, "--key", keyFile])
            #expect(verified.status == 0, "\(verified.output)")
            #expect(!response.text.contains("<script>alert(1)"))

            let bad = try HTTPTestClient.request(
                "POST", "/api/v1/reports", port: port, token: auditor, body: #"{"framework":"iso27001","from":"2h"}"#)
            #expect(bad.status == 400)
            let csv = try HTTPTestClient.request(
                "POST", "/api/v1/reports", port: port, token: auditor,
                body: #"{"framework":"sox","from":"2h","format":"csv"}"#)
            #expect(csv.status == 400)

            let listed = try HTTPTestClient.request("GET", "/api/v1/reports", port: port, token: auditor)
            #expect(listed.status == 200)
            let exports = try listed.object()["exports"] as? [[String: Any]] ?? []
            #expect(exports.count == 1)
            #expect(exports.first?["who"] as? String == "audrey")
            #expect(exports.first?["via"] as? String == "http")
            #expect(exports.first?["digest"] as? String == response.headers["x-jwtaudit-report-digest"])
        }
    }
}
