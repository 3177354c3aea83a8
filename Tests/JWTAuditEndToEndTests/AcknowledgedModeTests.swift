import Foundation
import JWTAuditTesting
import Testing

@Suite("Acknowledged mode", .serialized)
struct AcknowledgedModeTests {
    @Test("the hello is answered, bad lines get an error with their line number, the ack covers all lines")
    func helloErrorsAndAck() throws {
        try withDaemon { daemon in
            let client = try daemon.connect()
            try client.send(RawSocketClient.hello(client: "checkout-1"))
            let hello = try replyObject(try #require(try client.readLine()))
            let body = try #require(hello["hello"] as? [String: Any])
            #expect(body["version"] as? Int == 1)
            #expect(body["max_line"] as? Int == 65_536)

            try client.send(EventLine.validate(sub: "alice"))
            try client.send("{\"v\":1,\"ts\":\"2026-11-29T10:00:00Z\"\n")
            try client.send(EventLine.validate(outcome: "rejected", reason: nil))
            try client.send(EventLine.validate(outcome: "rejected", reason: "expired", sub: "bob"))
            let replies = try client.awaitAck(4)
            let errors = try replies.compactMap { try replyObject($0)["error"] as? [String: Any] }
            #expect(errors.count == 2)
            #expect(errors.first?["line"] as? Int == 2)
            #expect(errors.first?["code"] as? String == "invalid_json")
            #expect(errors.last?["line"] as? Int == 3)
            #expect(errors.last?["code"] as? String == "missing_field")
            #expect(errors.last?["field"] as? String == "reason")

            let stored = try searchEvents(daemon.dataPath)
            #expect(stored.compactMap { $0["sub"] as? String }.sorted() == ["alice", "bob"])
        }
    }

    @Test("acks only grow and reach the last line of a large send")
    func acksGrow() throws {
        try withDaemon { daemon in
            let client = try daemon.connectAcknowledged(client: "bulk")
            let count = 20_000
            var payload = ""
            for index in 1...count {
                payload += EventLine.validate(sub: "user-\(index % 97)", jti: "jti-\(index)", seq: index)
            }
            try client.send(payload)
            let replies = try client.awaitAck(count, timeout: 60)
            let acks = replies.compactMap(RawSocketClient.ackValue)
            #expect(acks == acks.sorted())
            #expect(acks.last == count)
            #expect(try searchEvents(daemon.dataPath).count == count)
        }
    }

    @Test("an unsupported hello version is refused with unsupported_version")
    func unsupportedVersion() throws {
        try withDaemon { daemon in
            let client = try daemon.connect()
            try client.send("{\"hello\":{\"version\":2,\"ack\":true,\"client\":\"x\"}}\n")
            let reply = try replyObject(try #require(try client.readLine()))
            let error = try #require(reply["error"] as? [String: Any])
            #expect(error["code"] as? String == "unsupported_version")
        }
    }

    @Test("a line over the limit is rejected alone with line_too_long; the next line is stored")
    func lineTooLong() throws {
        try withDaemon { daemon in
            let client = try daemon.connectAcknowledged(client: "long")
            let huge = EventLine.validate(sub: "huge", extra: ["\"user_agent\":\"\(String(repeating: "a", count: 70_000))\""])
            try client.send(huge)
            try client.send(EventLine.validate(sub: "after"))
            let replies = try client.awaitAck(2)
            let error = try #require(try replies.compactMap { try replyObject($0)["error"] as? [String: Any] }.first)
            #expect(error["line"] as? Int == 1)
            #expect(error["code"] as? String == "line_too_long")
            #expect(try searchEvents(daemon.dataPath).compactMap { $0["sub"] as? String } == ["after"])
        }
    }
}
