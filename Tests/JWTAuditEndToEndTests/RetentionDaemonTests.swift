import Foundation
import JWTAuditStore
import JWTAuditTesting
import Testing

/// The retention job inside the real daemon, on a short test interval.
@Suite("Retention in the daemon", .serialized)
struct RetentionDaemonTests {
    @Test("the scheduled job archives an old day while ingest keeps acknowledging; search and verify still work")
    func scheduledRunArchives() throws {
        let settings = try TemporaryDirectory(prefix: "jwtaudit-ret")
        try #"{"store": {"seal_threshold": 1}}"#.write(
            toFile: settings.file("config.json"), atomically: true, encoding: .utf8)
        try """
        {"version": 1, "frameworks": [], "default": {"online_days": 2, "keep_days": 400},
         "alerts": {"keep_days": 400}, "report_exports": {"keep_days": 400}, "schedule": {"every_minutes": 1440}}
        """.write(toFile: settings.file("retention.json"), atomically: true, encoding: .utf8)
        let daemon = try DaemonHarness(extraArguments: [
            "--config", settings.file("config.json"), "--retention", settings.file("retention.json"),
            "--retention-interval-seconds", "1",
        ])
        try daemon.start()
        let client = try daemon.connectAcknowledged(client: "retention-e2e")
        let old = Date().addingTimeInterval(-10 * 86_400)
        let day = String(ISO8601DateFormatter().string(from: old).prefix(10))
        let oldLines = (0..<200).map {
            EventLine.validate(ts: "\(day)T12:00:\(String(format: "%02d", $0 % 60))Z", sub: "old-user", jti: "old-\($0)")
        }
        try client.send(oldLines.joined())
        try client.awaitAck(200)

        // Keep sending current events, one at a time, timing each acknowledgement, until a run is recorded.
        let directory = DataDirectory(root: daemon.dataPath)
        var sent = 200
        var longest = 0.0
        let deadline = Date().addingTimeInterval(60)
        var archived = false
        while Date() < deadline {
            let started = Date()
            try client.send(EventLine.validate(ts: nowText(), sub: "live-user", jti: "live-\(sent)"))
            sent += 1
            try client.awaitAck(sent)
            longest = max(longest, Date().timeIntervalSince(started))
            let records = try RetentionRecords(directory: directory, readOnly: true).records()
            if records.contains(where: { $0.archive.blocks > 0 }) {
                archived = true
                break
            }
            Thread.sleep(forTimeInterval: 0.02)
        }
        #expect(archived, "no run archived the old day: \(daemon.log(tail: 20))")
        #expect(longest < 1.0, "an acknowledgement took \(longest) s during the run")
        #expect(try directory.archiveDays().map(\.name) == [day])

        let search = try DaemonHarness.run(["search", "--data", daemon.dataPath, "--sub", "old-user", "--from", "30d"])
        #expect(search.status == 0, "\(search.error)")
        #expect(search.output.split(separator: "\n").count == 200)

        #expect(try daemon.stop() == 0)
        let verify = try DaemonHarness.run(["verify", "--data", daemon.dataPath])
        #expect(verify.status == 0, "\(verify.output)\(verify.error)")
        #expect(verify.output.contains("archive tier: 1 block, 200 events in 1 file"))
        #expect(verify.output.contains("retention runs recorded in the chain"))
    }

    @Test("retention run by hand refuses while the daemon holds the data folder")
    func refusesWhileDaemonRuns() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let run = try DaemonHarness.run(["retention", "run", "--data", daemon.dataPath])
        #expect(run.status != 0)
        #expect(run.error.contains("runs the job itself"))
        #expect(try daemon.stop() == 0)
    }
}

/// Now, as RFC 3339 text.
private func nowText() -> String {
    ISO8601DateFormatter().string(from: Date())
}
