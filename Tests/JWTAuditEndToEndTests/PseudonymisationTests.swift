import Foundation
import JWTAuditModel
import JWTAuditTesting
import Testing

/// Pseudonymisation and `jwtaudit forget` through the real daemon, as a data-protection officer
/// would use them.
@Suite struct PseudonymisationEndToEndTests {
    static let subject = "erasable-subject-42"
    static let address = "203.0.113.201"

    /// The shipped retention.json with pseudonymisation of both fields switched on or off.
    private func policy(in folder: TemporaryDirectory, enabled: Bool) throws -> String {
        let shipped = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("retention.json").path
        var text = try String(contentsOfFile: shipped, encoding: .utf8)
        let pattern = try NSRegularExpression(pattern: #""pseudonymisation": \{[^}]*\}"#)
        text = pattern.stringByReplacingMatches(
            in: text, range: NSRange(text.startIndex..., in: text),
            withTemplate: #""pseudonymisation": { "enabled": \#(enabled), "fields": ["sub", "client_ip"] }"#)
        let path = folder.file(enabled ? "pseudonymised.json" : "clear.json")
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    private func alerts(_ data: String) throws -> [[String: Any]] {
        let result = try DaemonHarness.run(
            ["alerts", "list", "--data", data, "--format", "ndjson", "--limit", "0", "--rule", "failures_then_success"])
        #expect(result.status == 0, "alerts list failed: \(result.error)")
        return try result.output.split(separator: "\n").map { try replyObject(String($0)) }
    }

    /// Five forged tokens for `sub` from `ip`, `at` seconds from now.
    private func guesses(sub: String, ip: String, at seconds: Double) -> [String] {
        (0..<5).map {
            EventLine.validate(
                ts: now(seconds + Double($0)), service: "api", outcome: "rejected", reason: "bad_signature", sub: sub,
                clientIP: ip)
        }
    }

    private func allBytes(_ paths: [String]) throws -> [(path: String, bytes: Data)] {
        var found: [(String, Data)] = []
        for root in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: root, isDirectory: &isFolder) else { continue }
            if !isFolder.boolValue {
                found.append((root, try Data(contentsOf: URL(fileURLWithPath: root))))
                continue
            }
            let enumerator = FileManager.default.enumerator(atPath: root)
            while let name = enumerator?.nextObject() as? String {
                let full = root + "/" + name
                guard FileManager.default.fileExists(atPath: full, isDirectory: &isFolder), !isFolder.boolValue else {
                    continue
                }
                found.append((full, try Data(contentsOf: URL(fileURLWithPath: full))))
            }
        }
        return found
    }

    @Test("the daemon stores pseudonyms; search by clear value works; forget through the running daemon unlinks")
    func throughTheDaemon() throws {
        let folder = try TemporaryDirectory()
        let enabled = try policy(in: folder, enabled: true)
        let daemon = try DaemonHarness(extraArguments: ["--retention", enabled])
        try daemon.start()
        do {
            let port = try daemon.httpPort()
            try sendAcknowledged(
                daemon,
                guesses(sub: Self.subject, ip: Self.address, at: 0) + guesses(sub: "control-1", ip: "192.0.2.81", at: 0)
                    + [EventLine.validate(ts: now(10), service: "api", sub: "control-1", clientIP: "192.0.2.81")])
            // A line rejected for its bad address still names the subject: the quarantine must not keep it.
            let badLine = #"{"v":1,"ts":"2026-11-29T10:00:00Z","service":"api","outcome":"accepted","#
                + #""sub":"\#(Self.subject)","client_ip":"not-an-address"}"# + "\n"
            try sendAcknowledged(daemon, [badLine], client: "bad")
            #expect(try eventually { try alerts(daemon.dataPath).count == 2 })

            let found = try searchEvents(daemon.dataPath, ["--sub", Self.subject])
            #expect(found.count == 5)
            let before = try #require(found.first?["sub"] as? String)
            #expect(before.hasPrefix("ps:"))
            #expect((found.first?["client_ip"] as? String)?.hasPrefix("ps:") == true)
            #expect(try searchEvents(daemon.dataPath, ["--client-ip", Self.address]).count == 5)

            let admin = try createToken(daemon.dataPath, name: "dpo", role: "admin")
            let analyst = try createToken(daemon.dataPath, name: "ann", role: "analyst")
            let api = try HTTPTestClient.request(
                "GET", "/api/v1/events?sub=\(Self.subject)", port: port, token: analyst)
            #expect(api.status == 200)
            #expect((try api.object()["events"] as? [[String: Any]])?.count == 5)
            #expect((try api.object()["pseudonymised"] as? [String]) == ["client_ip", "sub"])
            let refused = try HTTPTestClient.request(
                "POST", "/api/v1/forget", port: port, token: analyst, body: #"{"field":"sub","value":"x"}"#)
            #expect(refused.status == 403)

            let tokenFile = folder.file("admin.token")
            try admin.write(toFile: tokenFile, atomically: true, encoding: .utf8)
            let forget = try DaemonHarness.run([
                "forget", "--data", daemon.dataPath, "--sub", "-", "--policy", enabled,
                "--api", "http://127.0.0.1:\(port)", "--token-file", tokenFile,
            ], stdin: Data((Self.subject + "\n").utf8))
            #expect(forget.status == 0, "\(forget.output) \(forget.error)")
            #expect(forget.output.contains("5 stored events can no longer be linked"), "\(forget.output)")
            #expect(!forget.output.contains(Self.subject))

            #expect(try searchEvents(daemon.dataPath, ["--sub", Self.subject]).isEmpty)
            #expect(try searchEvents(daemon.dataPath, ["--sub", before]).count == 5, "the events stay, unlinked")

            // The subject comes back and succeeds: its earlier failures no longer count.
            try sendAcknowledged(
                daemon,
                [EventLine.validate(ts: now(20), service: "api", sub: Self.subject, clientIP: "192.0.2.99")]
                    + guesses(sub: "control-2", ip: "192.0.2.82", at: 21)
                    + [EventLine.validate(ts: now(30), service: "api", sub: "control-2", clientIP: "192.0.2.82")])
            #expect(try eventually { try alerts(daemon.dataPath).count == 4 })
            Thread.sleep(forTimeInterval: 1)
            let keys = try alerts(daemon.dataPath).compactMap { ($0["key"] as? [String: String])?["sub"] }
            let again = try searchEvents(daemon.dataPath, ["--sub", Self.subject])
            let after = try #require(again.first?["sub"] as? String)
            #expect(keys.count == 2)
            #expect(!keys.contains(before) && !keys.contains(after))
            #expect(after != before)
        } catch {
            Issue.record("daemon log:\n\(daemon.log(tail: 30))")
            throw error
        }
        #expect(try daemon.stop() == 0)

        let verify = try DaemonHarness.run(["verify", "--data", daemon.dataPath])
        #expect(verify.status == 0, "\(verify.output) \(verify.error)")

        // Offline, the address too; the record of both requests never holds a value.
        let offline = try DaemonHarness.run([
            "forget", "--data", daemon.dataPath, "--client-ip", Self.address, "--policy", enabled,
            "--requested-by", "dpo-offline",
        ])
        #expect(offline.status == 0, "\(offline.output) \(offline.error)")
        #expect(offline.output.contains("5 stored events"), "\(offline.output)")
        #expect(try searchEvents(daemon.dataPath, ["--client-ip", Self.address]).isEmpty)
        #expect(try DaemonHarness.run(["verify", "--data", daemon.dataPath]).status == 0)

        let clear = [Self.subject, Self.address, "control-1", "192.0.2.81"].map { Data($0.utf8) }
        let files = try allBytes([daemon.dataPath, daemon.logPath, daemon.folder.file("jwtaudit-checkpoints.ndjson")])
        #expect(files.count >= 6)
        for file in files {
            for value in clear {
                #expect(file.bytes.range(of: value) == nil, "\(file.path) holds a clear value")
            }
        }
    }

    @Test("with pseudonymisation off, forget refuses and says why; the store keeps working")
    func refusedWhenOff() throws {
        let folder = try TemporaryDirectory()
        let disabled = try policy(in: folder, enabled: false)
        let daemon = try DaemonHarness(extraArguments: ["--retention", disabled])
        try daemon.start()
        try sendAcknowledged(daemon, guesses(sub: Self.subject, ip: Self.address, at: 0))
        #expect(try searchEvents(daemon.dataPath, ["--sub", Self.subject]).first?["sub"] as? String == Self.subject)
        #expect(try daemon.stop() == 0)
        let result = try DaemonHarness.run([
            "forget", "--data", daemon.dataPath, "--sub", Self.subject, "--policy", disabled,
        ])
        #expect(result.status != 0)
        #expect(result.error.contains("hash chain"), "\(result.error)")
        #expect(try searchEvents(daemon.dataPath, ["--sub", Self.subject]).count == 5)
        let enabled = try policy(in: folder, enabled: true)
        let mismatch = try DaemonHarness.run([
            "forget", "--data", daemon.dataPath, "--sub", Self.subject, "--policy", enabled,
        ])
        #expect(mismatch.status != 0, "a store that never pseudonymised refuses even under an enabling policy")
        #expect(mismatch.error.contains("in clear"), "\(mismatch.error)")
    }
}
