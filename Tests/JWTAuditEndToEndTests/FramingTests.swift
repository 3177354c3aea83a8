import Foundation
import JWTAuditTesting
import Testing

@Suite("Framing", .serialized)
struct FramingTests {
    @Test("lines split across writes, CRLF endings and blank lines: blank lines are not counted")
    func splitLines() throws {
        try withDaemon { daemon in
            let client = try daemon.connectAcknowledged(client: "framing")
            let line = EventLine.validate(sub: "split")
            let bytes = Array(line.utf8)
            try client.send(Array(bytes[..<10]))
            Thread.sleep(forTimeInterval: 0.05)
            try client.send(Array(bytes[10..<40]))
            Thread.sleep(forTimeInterval: 0.05)
            try client.send(Array(bytes[40...]))
            try client.send("\n  \n")
            try client.send(EventLine.validate(sub: "crlf").replacingOccurrences(of: "\n", with: "\r\n"))
            try client.send("{broken}\n")
            let replies = try client.awaitAck(3)
            let error = try #require(try replies.compactMap { try replyObject($0)["error"] as? [String: Any] }.first)
            #expect(error["line"] as? Int == 3)
            #expect(Set(try searchEvents(daemon.dataPath).compactMap { $0["sub"] as? String }) == ["split", "crlf"])
        }
    }

    @Test("a last line without a newline still counts when the client closes its side, and is acknowledged")
    func lastLineWithoutNewline() throws {
        try withDaemon { daemon in
            let client = try daemon.connectAcknowledged(client: "eof")
            try client.send(EventLine.validate(sub: "first") + EventLine.validate(sub: "last").dropLast())
            client.finishSending()
            try client.awaitAck(2)
            #expect(try client.readLine(timeout: 5) == nil, "the daemon closes after the last ack")
            #expect(try searchEvents(daemon.dataPath).compactMap { $0["sub"] as? String } == ["first", "last"])
        }
    }

    @Test("a line over the limit split over many writes is rejected without buffering it whole")
    func longLineAcrossWrites() throws {
        try withDaemon { daemon in
            let client = try daemon.connectAcknowledged(client: "long-split")
            try client.send("{\"v\":1,\"user_agent\":\"")
            for _ in 0..<20 { try client.send(String(repeating: "x", count: 16_384)) }
            try client.send("\"}\n" + EventLine.validate(sub: "after-long"))
            let replies = try client.awaitAck(2)
            let error = try #require(try replies.compactMap { try replyObject($0)["error"] as? [String: Any] }.first)
            #expect(error["code"] as? String == "line_too_long")
            #expect(error["line"] as? Int == 1)
            #expect(try searchEvents(daemon.dataPath).compactMap { $0["sub"] as? String } == ["after-long"])
        }
    }
}
