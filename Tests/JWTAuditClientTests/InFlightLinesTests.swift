import Testing

@testable import JWTAuditClient

@Suite struct InFlightLinesTests {
    private func lines(_ count: Int) -> InFlightLines {
        var lines = InFlightLines()
        for seq in 1...Int64(count) {
            lines.append(seq: seq) { $0.append(contentsOf: "line \(seq)\n".utf8) }
        }
        return lines
    }

    private func sendAll(_ lines: inout InFlightLines) -> String {
        var sent = ""
        lines.writeUnsent { bytes in
            sent = String(decoding: bytes, as: UTF8.self)
            return bytes.count
        }
        return sent
    }

    @Test("acks settle a prefix; after a reconnect the unacknowledged lines are sent again from line 1")
    func resendAfterReconnect() {
        var inFlight = lines(5)
        _ = inFlight.restartConnection()
        #expect(sendAll(&inFlight) == "line 1\nline 2\nline 3\nline 4\nline 5\n")
        #expect(inFlight.acknowledge(2) == 2)
        #expect(inFlight.count == 3)
        #expect(inFlight.sequence(ofLine: 3) == 3)
        // The connection breaks: 3, 4, 5 go again; they are lines 1-3 of the new connection.
        #expect(inFlight.restartConnection() == 3)
        #expect(sendAll(&inFlight) == "line 3\nline 4\nline 5\n")
        #expect(inFlight.sequence(ofLine: 1) == 3)
        #expect(inFlight.acknowledge(1) == 1)
        #expect(inFlight.acknowledge(1) == 0)
        #expect(inFlight.acknowledge(3) == 2)
        #expect(inFlight.isEmpty && !inFlight.hasUnsent)
    }

    @Test("a partial write resumes where it stopped, and compaction keeps offsets right")
    func partialWritesAndCompaction() {
        var inFlight = lines(3_000)
        _ = inFlight.restartConnection()
        var written = 0
        inFlight.writeUnsent { bytes in
            written = 10
            return 10
        }
        #expect(written == 10)
        var rest = ""
        inFlight.writeUnsent { bytes in
            rest = String(decoding: bytes.prefix(8), as: UTF8.self)
            return bytes.count
        }
        #expect(rest == "e 2\nline")
        #expect(inFlight.acknowledge(2_500) == 2_500)
        #expect(inFlight.sequence(ofLine: 2_501) == 2_501)
        inFlight.append(seq: 3_001) { $0.append(contentsOf: "line 3001\n".utf8) }
        #expect(sendAll(&inFlight) == "line 3001\n")
        #expect(inFlight.restartConnection() == 501)
        #expect(sendAll(&inFlight).hasPrefix("line 2501\nline 2502\n"))
    }
}
