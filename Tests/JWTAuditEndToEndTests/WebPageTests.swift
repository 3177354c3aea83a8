import Foundation
import JWTAuditTesting
import Testing

/// The triage page in a real headless Chromium against a real daemon: sign in through the form,
/// triage an alert, search events whose user agents are scripts, take a 1366x768 screenshot.
@Suite struct WebPageTests {
    static let scriptAgent = "<script>document.title='pwned'</script>"
    static let imageAgent = "<img src=x onerror=\"document.title='pwned';window.pwned=1\">"

    @Test("the page and its assets come with a strict CSP, nosniff, no-referrer and no-store")
    func headers() throws {
        try withDaemon { daemon in
            let port = try daemon.httpPort()
            for (path, type) in [("/", "text/html"), ("/ui/app.js", "text/javascript"), ("/ui/app.css", "text/css")] {
                let response = try HTTPTestClient.request("GET", path, port: port, token: nil)
                #expect(response.status == 200, "\(path)")
                let headers = Dictionary(uniqueKeysWithValues: response.headers.map { ($0.key.lowercased(), $0.value) })
                #expect(headers["content-type"]?.hasPrefix(type) == true, "\(path)")
                let policy = headers["content-security-policy"] ?? ""
                #expect(policy.contains("default-src 'none'") && policy.contains("script-src 'self'"), "\(path)")
                #expect(policy.contains("frame-ancestors 'none'") && policy.contains("form-action 'none'"))
                #expect(!policy.contains("unsafe-inline") && !policy.contains("unsafe-eval"))
                #expect(headers["x-content-type-options"] == "nosniff")
                #expect(headers["referrer-policy"] == "no-referrer")
                #expect(headers["cache-control"] == "no-store")
            }
            let page = try HTTPTestClient.request("GET", "/", port: port, token: nil).text
            #expect(!page.contains("<script>") && !page.contains("style="), "no inline script or style")
            #expect(!page.contains("http://") && !page.contains("https://"), "no external asset")
            let script = try HTTPTestClient.request("GET", "/ui/app.js", port: port, token: nil).text
            #expect(!script.contains("innerHTML"))
            #expect(try HTTPTestClient.request("GET", "/api/v1/session", port: port, token: nil).status == 401)
        }
    }

    @Test("in headless Chromium an analyst signs in, acknowledges an alert with a note; script user agents stay text")
    func triageInChromium() throws {
        let executable = try #require(
            ChromiumDriver.executable(),
            "chromium is not installed: apt-get install -y chromium (the CI script installs it)")
        try withDaemon { daemon in
            let token = try createToken(daemon.dataPath, name: "carol", role: "analyst")
            let auditor = try createToken(daemon.dataPath, name: "audrey", role: "auditor")
            let port = try daemon.httpPort()
            let ip = "198.51.100.77"
            let lines = (0..<25).map { index in
                let agent = index % 2 == 0 ? Self.scriptAgent : Self.imageAgent
                let json = (try? JSONSerialization.data(withJSONObject: ["user_agent": agent])) ?? Data()
                let member = String(decoding: json, as: UTF8.self)
                return EventLine.validate(
                    ts: now(Double(index) / 100 - 5), service: "api", outcome: "rejected", reason: "bad_signature",
                    sub: "victim-\(index % 3)", clientIP: ip, extra: [String(member.dropFirst().dropLast())])
            }
            try sendAcknowledged(daemon, lines)
            var id = 0
            #expect(try eventually {
                let alerts = try HTTPTestClient.request(
                    "GET", "/api/v1/alerts?rule=brute_force_signature", port: port, token: token
                ).object()["alerts"] as? [[String: Any]] ?? []
                id = alerts.first?["id"] as? Int ?? 0
                return id > 0
            })
            try #require(id > 0, "no brute_force_signature alert was raised")

            let profile = daemon.folder.file("chromium")
            let browser = try ChromiumDriver(executable: executable, profile: profile)
            defer { browser.close() }
            let base = "http://127.0.0.1:\(port)"
            try browser.navigate(base + "/")
            let title = try browser.evaluate("document.title") as? String
            #expect(title == "jwtaudit triage")
            #expect(try browser.wait(for: "!document.getElementById('signin-view').hidden"))

            // Sign in through the form: type the token, click the button.
            try browser.type(token, into: "token")
            try browser.click("signin")
            #expect(try browser.wait(for: "!!document.getElementById('open-\(id)')"), "the queue lists the alert")
            #expect(try browser.evaluate("document.getElementById('who').textContent") as? String == "carol (analyst)")
            #expect(try browser.evaluate("sessionStorage.getItem('jwtaudit.token') !== null") as? Bool == true)
            #expect(try browser.evaluate("document.cookie") as? String == "", "no cookie: no ambient credential")

            // Open the alert, acknowledge it with a note.
            try browser.click("open-\(id)")
            #expect(try browser.wait(for: "!document.getElementById('detail-view').hidden"))
            let fields = try browser.evaluate("document.getElementById('d-fields').textContent") as? String ?? ""
            #expect(fields.contains("client_ip=\(ip)") && fields.contains("open"), "\(fields)")
            #expect(try browser.evaluate("document.querySelectorAll('#d-samples tbody tr').length") as? Int ?? 0 > 0)
            try browser.type("checked by the web page test", into: "note")
            try browser.click("ack")
            #expect(try browser.wait(for: "document.getElementById('message').textContent.includes('acknowledged')"))
            #expect(try browser.wait(for: "document.getElementById('d-history').textContent.includes('carol')"))

            let cli = try DaemonHarness.run(
                ["alerts", "show", String(id), "--data", daemon.dataPath, "--format", "json"])
            #expect(cli.status == 0, "\(cli.error)")
            let stored = try replyObject(cli.output.trimmingCharacters(in: .whitespacesAndNewlines))
            #expect(stored["status"] as? String == "acknowledged")
            let history = stored["history"] as? [[String: Any]] ?? []
            #expect(history.contains {
                $0["by"] as? String == "carol" && $0["to"] as? String == "acknowledged"
                    && $0["note"] as? String == "checked by the web page test"
            })

            // Event search: the user agents are shown as text and never run.
            try browser.click("nav-events")
            try browser.type(ip, into: "e-client-ip")
            try browser.click("search")
            #expect(try browser.wait(for: "document.querySelectorAll('#events tbody tr').length === 25"))
            let cells = try browser.evaluate(
                "[...document.querySelectorAll('#events tbody td')].map((cell) => cell.textContent)"
            ) as? [String] ?? []
            #expect(cells.contains(Self.scriptAgent), "the script user agent is visible as text")
            #expect(cells.contains(Self.imageAgent), "the img user agent is visible as text")
            #expect(try browser.evaluate("document.querySelectorAll('main script, main img').length") as? Int == 0)
            usleep(500_000)
            #expect(try browser.evaluate("document.title") as? String == "jwtaudit triage", "no script ran")
            #expect(try browser.evaluate("typeof window.pwned") as? String == "undefined", "no handler ran")

            // The queue at 1366x768, as a screenshot.
            try browser.click("nav-alerts")
            _ = try browser.evaluate("document.getElementById('f-status').value = ''")
            try browser.click("refresh")
            #expect(try browser.wait(for: "!!document.getElementById('open-\(id)')"))
            let png = try browser.screenshot()
            let file = daemon.folder.file("triage.png")
            try png.write(to: URL(fileURLWithPath: file))
            #expect(png.count > 1_000 && png.starts(with: [0x89, 0x50, 0x4E, 0x47]), "a PNG")
            let width = png.count > 24 ? png[16..<20].reduce(0) { $0 << 8 | Int($1) } : 0
            let height = png.count > 24 ? png[20..<24].reduce(0) { $0 << 8 | Int($1) } : 0
            #expect(width == 1366 && height == 768, "\(width)x\(height)")
            #expect(try browser.evaluate("document.documentElement.scrollWidth <= 1366") as? Bool == true,
                    "no horizontal scrolling at 1366 wide")

            // The auditor reads but the triage buttons are disabled.
            try browser.click("signout")
            #expect(try browser.wait(for: "!document.getElementById('signin-view').hidden"))
            #expect(try browser.evaluate("sessionStorage.length") as? Int == 0, "sign out forgets the token")
            #expect(try browser.evaluate("document.querySelectorAll('#alerts tbody tr').length") as? Int == 0)
            try browser.type(auditor, into: "token")
            try browser.click("signin")
            #expect(try browser.wait(for: "document.getElementById('who').textContent === 'audrey (auditor)'"))
            #expect(try browser.wait(for: "!!document.getElementById('open-\(id)')"))
            try browser.click("open-\(id)")
            #expect(try browser.wait(for: "!document.getElementById('detail-view').hidden"))
            #expect(try browser.evaluate(
                "[...document.querySelectorAll('button.triage')].every((button) => button.disabled)") as? Bool == true)

            let failures = browser.events.filter { $0.method == "Runtime.exceptionThrown" }
            #expect(failures.isEmpty, "page exceptions: \(failures.map(\.params))")
        }
    }
}
