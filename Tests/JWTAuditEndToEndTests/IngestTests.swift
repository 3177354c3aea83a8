import Foundation
import JWTAuditTesting
import Testing

@Suite("Ingest", .serialized)
struct IngestTests {
    @Test("fire-and-forget lines are stored with the sender's uid, gid and pid; no answer is written")
    func fireAndForget() throws {
        try withDaemon { daemon in
            let client = try daemon.connect()
            try client.send(EventLine.validate(sub: "ff-1") + EventLine.validate(sub: "ff-2"))
            client.finishSending()
            #expect(try client.readLine(timeout: 2) == nil)
            #expect(try eventually { try searchEvents(daemon.dataPath).count == 2 })
            let event = try #require(try searchEvents(daemon.dataPath).first)
            #expect(event["peer_uid"] as? Int == Int(getuid()))
            #expect(event["peer_gid"] as? Int == Int(getgid()))
            #expect(event["peer_pid"] as? Int == Int(getpid()))
            #expect(event["received_at"] is String)
        }
    }

    @Test("a resent seq of the same producer is acknowledged but stored once; a gap is counted")
    func sequenceDedup() throws {
        try withDaemon { daemon in
            let first = try daemon.connectAcknowledged(client: "billing-7")
            try first.send((1...5).map { (index: Int) in EventLine.validate(sub: "s\(index)", seq: index) }.joined())
            try first.awaitAck(5)

            let second = try daemon.connectAcknowledged(client: "billing-7")
            try second.send((3...7).map { (index: Int) in EventLine.validate(sub: "s\(index)", seq: index) }.joined())
            let replies = try second.awaitAck(5)
            #expect(!replies.contains { $0.contains("error") })

            let subjects = try searchEvents(daemon.dataPath).compactMap { $0["sub"] as? String }
            #expect(subjects.sorted() == (1...7).map { "s\($0)" }.sorted())
            #expect(try searchEvents(daemon.dataPath).allSatisfy { $0["producer"] as? String == "billing-7" })
        }
    }

    @Test("a token fills missing fields and leaves only its fingerprint: never in search, quarantine or files")
    func tokenNeverStored() throws {
        let token = EventLine.token(
            claims: "{\"iss\":\"https://idp.example\",\"sub\":\"from-token\",\"jti\":\"tok-42\",\"exp\":1900000000,\"aud\":[\"api\",\"web\"]}")
        try withDaemon { daemon in
            let client = try daemon.connectAcknowledged(client: "tokens")
            try client.send(EventLine.validate(sub: nil, extra: ["\"token\":\"\(token)\""]))
            try client.send(EventLine.validate(sub: "kept", extra: ["\"token\":\"\(token)\""]))
            try client.send("{\"v\":2,\"token\":\"\(token)\"}\n")
            try client.send("{\"v\":1, \"token\" : \"opaque-refresh-secret-42\"}\n")
            try client.send("{\"v\":1,\"note\":\"\(token)\"}\n")
            try client.awaitAck(5)

            let events = try searchEvents(daemon.dataPath)
            #expect(events.count == 2)
            let filled = try #require(events.first { $0["sub"] as? String == "from-token" })
            #expect(filled["jti"] as? String == "tok-42")
            #expect(filled["iss"] as? String == "https://idp.example")
            #expect(filled["alg"] as? String == "RS256")
            #expect(filled["aud"] as? [String] == ["api", "web"])
            let fingerprint = try #require(filled["token_fp"] as? String)
            #expect(fingerprint.count == 32)
            let kept = try #require(events.first { $0["sub"] as? String == "kept" })
            #expect(kept["token_fp"] as? String == fingerprint)
            #expect(events.allSatisfy { $0["token"] == nil })

            let quarantine = try DaemonHarness.run(["quarantine", "--data", daemon.dataPath, "--format", "ndjson"])
            #expect(quarantine.output.contains("unsupported_version"))
            #expect(quarantine.output.contains("[redacted-jwt]"))
            #expect(quarantine.output.contains("[redacted-token]"))
            #expect(!quarantine.output.contains("opaque-refresh-secret-42"))

            let signature = String(token.split(separator: ".")[2])
            let payload = String(token.split(separator: ".")[1])
            for output in [try DaemonHarness.run(["search", "--data", daemon.dataPath]).output, quarantine.output,
                daemon.log(tail: 1_000)]
            {
                #expect(!output.contains(payload))
                #expect(!output.contains(signature))
            }
            try daemon.stop()
            for file in try FileManager.default.subpathsOfDirectory(atPath: daemon.dataPath) {
                let bytes = FileManager.default.contents(atPath: daemon.dataPath + "/" + file) ?? Data()
                #expect(bytes.range(of: Data(payload.utf8)) == nil, "token payload found in \(file)")
                #expect(bytes.range(of: Data(signature.utf8)) == nil, "token signature found in \(file)")
            }
            try daemon.start()
        }
    }

    @Test("the socket is mode 0660, a live socket path is refused, the secret is 0600")
    func socketAndSecret() throws {
        try withDaemon { daemon in
            let attributes = try FileManager.default.attributesOfItem(atPath: daemon.socketPath)
            #expect((attributes[.posixPermissions] as? Int) == 0o660)
            let secret = try FileManager.default.attributesOfItem(atPath: daemon.dataPath + "/secrets/token-fingerprint.key")
            #expect((secret[.posixPermissions] as? Int) == 0o600)

            let other = try TemporaryDirectory()
            let second = try DaemonHarness.run(["serve", "--socket", daemon.socketPath, "--data", other.file("data")])
            #expect(second.status != 0)
            #expect(second.error.contains("held by a running process"))
        }
    }

    @Test("a service bound to other uids is refused with service_not_allowed")
    func serviceBindings() throws {
        let config = try TemporaryDirectory()
        let path = config.file("jwtaudit.json")
        let foreignUID = getuid() == 4_242 ? 4_243 : 4_242
        try "{\n  \"service_bindings\": {\"payments\": [\(foreignUID)], \"mine\": [\(getuid())]}\n}\n"
            .write(toFile: path, atomically: true, encoding: .utf8)
        try withDaemon(["--config", path]) { daemon in
            let client = try daemon.connectAcknowledged(client: "bound")
            try client.send(EventLine.validate(service: "payments") + EventLine.validate(service: "mine"))
            let replies = try client.awaitAck(2)
            let error = try #require(try replies.compactMap { try replyObject($0)["error"] as? [String: Any] }.first)
            #expect(error["line"] as? Int == 1)
            #expect(error["code"] as? String == "service_not_allowed")
            #expect(try searchEvents(daemon.dataPath).compactMap { $0["service"] as? String } == ["mine"])
        }
    }

    @Test("a bad configuration file is refused with its line and field")
    func badConfiguration() throws {
        let config = try TemporaryDirectory()
        let path = config.file("jwtaudit.json")
        try "{\n  \"socket\": \"x.sock\",\n  \"max_line_bytes\": \"big\"\n}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let result = try DaemonHarness.run(["serve", "--config", path, "--data", config.file("data")])
        #expect(result.status != 0)
        #expect(result.error.contains("jwtaudit.json:3"))
        #expect(result.error.contains("max_line_bytes"))

        try "{\n  \"max_connections\": 10,\n  \"max_connections\": 20\n}\n".write(toFile: path, atomically: true, encoding: .utf8)
        let repeated = try DaemonHarness.run(["serve", "--config", path, "--data", config.file("data")])
        #expect(repeated.status != 0)
        #expect(repeated.error.contains("jwtaudit.json:3: field max_connections: appears twice"))
    }
}
