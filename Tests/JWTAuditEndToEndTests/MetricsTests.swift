import Foundation
import JWTAuditTesting
import Testing

/// `/metrics` of a running daemon: valid for Prometheus, and enough for the dashboards.
@Suite struct MetricsTests {
    /// The repository's root, from this file's place in it.
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    @Test("a scrape after traffic, an alert and an output passes promtool check metrics and counts what happened")
    func promtoolCheck() throws {
        try withTrafficDaemon { _, scrape in
            let promtool = try #require(
                Self.promtool(),
                "promtool is missing: install the Debian package prometheus (.ci/run does); this test cannot pass without it")
            let folder = try TemporaryDirectory()
            let file = folder.file("metrics.txt")
            try scrape.write(toFile: file, atomically: true, encoding: .utf8)
            let process = Process()
            process.executableURL = URL(fileURLWithPath: "/bin/sh")
            process.arguments = ["-c", "\"$0\" check metrics < \"$1\" 2>&1", promtool, file]
            let output = Pipe()
            process.standardOutput = output
            try process.run()
            let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            process.waitUntilExit()
            #expect(process.terminationStatus == 0, "promtool check metrics:\n\(text)")

            #expect(scrape.contains("jwtaudit_events_received_total 4"))
            #expect(scrape.contains("jwtaudit_events_stored_total 3"))
            #expect(scrape.contains(#"jwtaudit_events_rejected_total{code="invalid_json"} 1"#))
            #expect(scrape.contains(#"jwtaudit_events_rejected_total{code="line_too_long"} 0"#))
            #expect(scrape.contains(
                #"jwtaudit_token_events_total{service="api",kind="validate",outcome="rejected",reason="expired"} 2"#))
            #expect(scrape.contains(#"jwtaudit_alerts_raised_total{rule="alg_none_attempt",severity="critical"} 1"#))
            #expect(scrape.contains(#"jwtaudit_alerts{rule="alg_none_attempt",severity="critical",status="open"} 1"#))
            #expect(scrape.contains(#"jwtaudit_output_sent_total{output="stdout"} 1"#))
            #expect(scrape.contains(#"jwtaudit_http_auth_failures_total{reason="missing_token"} 1"#))
            #expect(scrape.contains("jwtaudit_commit_duration_seconds_count "))
            #expect(!scrape.contains("jwtaudit_commit_duration_seconds_count 0\n"))
        }
    }

    @Test("every metric the dashboards' queries use is exported by a running daemon")
    func dashboardsQueryExportedMetrics() throws {
        let folder = Self.root.appendingPathComponent("dashboards")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix(".json") }
        #expect(files.count == 3, "dashboards: \(files)")
        var queried: [String: Set<String>] = [:]
        for file in files {
            let data = try Data(contentsOf: folder.appendingPathComponent(file))
            let dashboard = try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any], "\(file)")
            #expect(dashboard["uid"] is String && dashboard["title"] is String, "\(file)")
            let panels = try #require(dashboard["panels"] as? [[String: Any]], "\(file) has no panels")
            var expressions: [String] = []
            for panel in panels {
                let targets = panel["targets"] as? [[String: Any]] ?? []
                #expect(!targets.isEmpty, "\(file): panel \(panel["title"] ?? "?") has no query")
                expressions += targets.compactMap { $0["expr"] as? String }
            }
            #expect(!expressions.isEmpty, "\(file)")
            queried[file] = Set(expressions.flatMap(Self.metricNames))
        }

        try withTrafficDaemon { _, scrape in
            let exported = Self.families(scrape)
            for (file, names) in queried.sorted(by: { $0.key < $1.key }) {
                #expect(!names.isEmpty, "\(file) queries no jwtaudit metric")
                for name in names.sorted() {
                    #expect(exported.contains(name), "\(file) queries \(name), which the daemon does not export")
                }
            }
        }
    }

    /// Runs a daemon with a stdout output, sends traffic that raises an alert, a rejected line and an
    /// unauthenticated request, then hands `body` the daemon and a scrape in which all of it shows.
    private func withTrafficDaemon(_ body: (DaemonHarness, String) throws -> Void) throws {
        let folder = try TemporaryDirectory()
        let config = folder.file("jwtaudit.json")
        try #"{"outputs": [{"type": "stdout", "min_severity": "critical"}]}"#.write(toFile: config, atomically: true, encoding: .utf8)
        try withDaemon(["--config", config]) { daemon in
            let token = try createToken(daemon.dataPath, name: "prometheus", role: "auditor")
            let port = try daemon.httpPort()
            try sendAcknowledged(daemon, [
                EventLine.validate(
                    ts: now(), service: "legacy", outcome: "accepted", clientIP: "203.0.113.44", extra: ["\"alg\":\"none\""]),
                EventLine.validate(ts: now(), service: "api", outcome: "rejected", reason: "expired"),
                EventLine.validate(ts: now(), service: "api", outcome: "rejected", reason: "expired"),
            ])
            let raw = try daemon.connect()
            try raw.send("this is not json\n")
            raw.finishSending()
            #expect(try HTTPTestClient.request("GET", "/api/v1/alerts", port: port).status == 401)
            var scrape = ""
            #expect(try eventually {
                scrape = try HTTPTestClient.request("GET", "/metrics", port: port, token: token).text
                return scrape.contains(#"jwtaudit_output_sent_total{output="stdout"} 1"#)
                    && scrape.contains(#"jwtaudit_events_rejected_total{code="invalid_json"} 1"#)
            }, "last scrape:\n\(scrape)")
            try body(daemon, scrape)
        }
    }

    /// The `jwtaudit_` metric names in a PromQL expression, histogram series mapped to their family.
    static func metricNames(_ expression: String) -> [String] {
        let pattern = try! NSRegularExpression(pattern: "jwtaudit_[a-z0-9_]+")
        let range = NSRange(expression.startIndex..., in: expression)
        return pattern.matches(in: expression, range: range).compactMap { match in
            Range(match.range, in: expression).map { String(expression[$0]) }
        }.map { name in
            for suffix in ["_bucket", "_sum", "_count"] where name.hasSuffix(suffix) && name.contains("_seconds") {
                return String(name.dropLast(suffix.count))
            }
            return name
        }
    }

    /// The families a scrape declares (`# TYPE name type`).
    static func families(_ scrape: String) -> Set<String> {
        Set(scrape.split(separator: "\n").compactMap { line in
            let parts = line.split(separator: " ")
            return parts.count == 4 && parts[0] == "#" && parts[1] == "TYPE" ? String(parts[2]) : nil
        })
    }

    static func promtool() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        return (path.split(separator: ":").map(String.init) + ["/usr/bin"]).map { $0 + "/promtool" }
            .first { FileManager.default.isExecutableFile(atPath: $0) }
    }
}
