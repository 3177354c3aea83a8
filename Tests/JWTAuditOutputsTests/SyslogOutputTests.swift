import Foundation
import Glibc
import JWTAuditDetection
import JWTAuditOutputs
import Testing

@Suite struct SyslogOutputTests {
    /// Text every hostile alert carries: a line break followed by a forged syslog header.
    static let forged = "\n<13>1 2026-11-29T00:00:00Z evil jwtaudit 1 ALERT - forged"

    private func configuration(_ transport: SyslogOutput.Transport) -> SyslogOutput.Configuration {
        var configuration = SyslogOutput.Configuration(transport: transport)
        configuration.hostname = "audit-host"
        configuration.retry = RetryPolicy(maxAttempts: 3, initialDelay: 0.01, maxDelay: 0.05)
        return configuration
    }

    /// `(header, sd, msg)` of a message, with the header's fields checked against the RFC 5424 shape.
    private func split(_ message: [UInt8]) throws -> (header: [String], structuredData: String, message: [UInt8]) {
        let text = String(decoding: message, as: UTF8.self)
        let headerEnd = try #require(text.range(of: " [jwtaudit@32473 "))
        let header = text[..<headerEnd.lowerBound].split(separator: " ").map(String.init)
        let sdEnd = try #require(text.range(of: "\"] ", range: headerEnd.upperBound..<text.endIndex))
        let structuredData = String(text[headerEnd.lowerBound..<sdEnd.upperBound].dropFirst().dropLast())
        let messageStart = text.utf8.distance(from: text.startIndex, to: sdEnd.upperBound)
        return (header, structuredData, Array(message[messageStart...]))
    }

    @Test("a Unix datagram carries one RFC 5424 message: PRI, version, time, host, app, pid, msgid, SD, JSON")
    func unixDatagram() async throws {
        let folder = try TestSockets.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try TestDatagramReceiver(path: folder + "/log")
        defer { receiver.close() }
        let output = SyslogOutput(configuration: configuration(.unix(path: receiver.path)))
        let before = Date()
        output.offer([TestAlerts.alert(id: 7, severity: .high)])

        let message = try #require(await onThread { receiver.receive() })
        await output.shutdown(deadline: deadline(in: 5))
        let (header, structuredData, json) = try split(message)
        #expect(header.count == 6)
        #expect(header[0] == "<83>1")  // authpriv (10) × 8 + err (3)
        let time = try #require(rfc3339(header[1]))
        #expect(abs(time.timeIntervalSince(before)) < 60)
        #expect(header[1].hasSuffix("Z"))
        #expect(Array(header[2...]) == ["audit-host", "jwtaudit", "\(getpid())", "ALERT"])
        #expect(structuredData == #"[jwtaudit@32473 rule="brute_force_signature" severity="high" id="7"]"#)
        let object = try TestAlerts.object(json)
        #expect(object["id"] as? Int == 7)
        #expect(object["severity"] as? String == "high")
        #expect(output.counters.snapshot == OutputCounters.Snapshot(accepted: 1, sent: 1))
    }

    @Test("a hostile user_agent or summary yields exactly one datagram without a line break")
    func hostileDatagram() async throws {
        let folder = try TestSockets.temporaryFolder()
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let receiver = try TestDatagramReceiver(path: folder + "/log")
        defer { receiver.close() }
        let output = SyslogOutput(configuration: configuration(.unix(path: receiver.path)))
        let hostile = TestAlerts.alert(
            id: 9, key: AlertKey("user_agent", "curl" + Self.forged), summary: "spray" + Self.forged,
            subject: "bob\r" + Self.forged
        )
        output.offer([hostile])
        let message = try #require(await onThread { receiver.receive() })
        #expect(await onThread { receiver.receive(within: 0.3) } == nil)
        await output.shutdown(deadline: deadline(in: 5))

        #expect(!message.contains(UInt8(ascii: "\n")) && !message.contains(UInt8(ascii: "\r")))
        #expect(message.allSatisfy { (0x20...0x7E).contains($0) })
        let object = try TestAlerts.object(try split(message).message)
        #expect(object["summary"] as? String == "spray" + Self.forged)
        #expect((object["key"] as? [String: String]) == ["user_agent": "curl" + Self.forged])
    }

    @Test("TCP frames each message as LEN SP MSG; hostile text stays inside its one frame")
    func tcpOctetCounting() async throws {
        let receiver = try TestStreamReceiver()
        defer { receiver.close() }
        let output = SyslogOutput(configuration: configuration(.tcp(host: "127.0.0.1", port: receiver.port)))
        let hostile = TestAlerts.alert(
            id: 2, severity: .critical, key: AlertKey("user_agent", "x" + Self.forged),
            summary: "naïve 🚀" + Self.forged
        )
        output.offer([TestAlerts.alert(id: 1, severity: .low), hostile, TestAlerts.alert(id: 3, severity: .medium)])

        #expect(await onThread { receiver.read { (try? OctetFrames.parse($0).count) == 3 } })
        await output.shutdown(deadline: deadline(in: 5))
        let frames = try OctetFrames.parse(receiver.received)
        try #require(frames.count == 3)
        #expect(!receiver.received.contains(UInt8(ascii: "\n")))
        #expect(frames.map { String(decoding: $0.prefix(5), as: UTF8.self) } == ["<85>1", "<82>1", "<84>1"])
        let object = try TestAlerts.object(try split(frames[1]).message)
        #expect(object["summary"] as? String == "naïve 🚀" + Self.forged)
        #expect(output.counters.snapshot == OutputCounters.Snapshot(accepted: 3, sent: 3))
    }

    @Test("TCP reconnects after the receiver closes the connection, and loses nothing")
    func tcpReconnects() async throws {
        let receiver = try TestStreamReceiver()
        defer { receiver.close() }
        let output = SyslogOutput(configuration: configuration(.tcp(host: "127.0.0.1", port: receiver.port)))
        output.offer([TestAlerts.alert(id: 1)])
        #expect(await onThread { receiver.read { (try? OctetFrames.parse($0).count) == 1 } })
        receiver.dropConnection()
        try await Task.sleep(for: .milliseconds(50))
        output.offer([TestAlerts.alert(id: 2)])
        #expect(await onThread { receiver.read { (try? OctetFrames.parse($0).count) == 2 } })
        await output.shutdown(deadline: deadline(in: 5))
        let ids = try OctetFrames.parse(receiver.received).map {
            try TestAlerts.object(try split($0).message)["id"] as? Int
        }
        #expect(ids == [1, 2])
        #expect(output.counters.sent.load(ordering: .relaxed) == 2)
    }

    @Test("a TCP receiver that is down: attempts are retried, then the alert is dropped and counted")
    func tcpDown() async throws {
        let port = try TestSockets.closedPort()
        let output = SyslogOutput(configuration: configuration(.tcp(host: "127.0.0.1", port: port)))
        output.offer([TestAlerts.alert(id: 1)])
        #expect(await eventually { output.counters.dropped.load(ordering: .relaxed) == 1 })
        await output.shutdown(deadline: deadline(in: 5))
        #expect(output.counters.snapshot == OutputCounters.Snapshot(accepted: 1, retried: 2, dropped: 1))
    }

    @Test("SD-PARAM values escape quote, backslash and bracket; control characters become '?'")
    func parameterEscaping() throws {
        #expect(SyslogMessage.escapeParameterValue(#"a"b\c]d"#) == #"a\"b\\c\]d"#)
        #expect(SyslogMessage.escapeParameterValue("x\ny\r\u{85}z\u{2028}") == "x?y??z?")
        let alert = TestAlerts.alert(id: 5, rule: "custom\"] [evil@1 x=\"1")
        let message = SyslogMessage.format(alert, facility: 10, timestamp: 0, hostname: "h", processID: 1)
        let (_, structuredData, _) = try split(message)
        #expect(structuredData == #"[jwtaudit@32473 rule="custom\"\] [evil@1 x=\"1" severity="high" id="5"]"#)
    }

    @Test("severity codes: critical 2, high 3, medium 4, low 5; PRI is facility × 8 + code")
    func priorities() {
        #expect(Severity.allCases.map(SyslogMessage.severityCode) == [5, 4, 3, 2])
        #expect(SyslogMessage.facility(named: "authpriv") == 10)
        #expect(SyslogMessage.facility(named: "local0") == 16)
        let message = SyslogMessage.format(
            TestAlerts.alert(severity: .critical), facility: 16, timestamp: TestAlerts.firstSeen,
            hostname: "bad host\n",
            processID: 99
        )
        let text = String(decoding: message, as: UTF8.self)
        #expect(text.hasPrefix("<130>1 2026-11-29T03:25:34.123456Z bad_host_ jwtaudit 99 ALERT [jwtaudit@32473 "))
    }
}

/// RFC 6587 octet-counting frames.
enum OctetFrames {
    struct Malformed: Error {}

    /// The messages of a stream of complete `LEN SP MSG` frames; throws on anything else.
    static func parse(_ stream: [UInt8]) throws -> [[UInt8]] {
        var frames: [[UInt8]] = []
        var index = 0
        while index < stream.count {
            guard let space = stream[index...].firstIndex(of: UInt8(ascii: " ")),
                let length = Int(String(decoding: stream[index..<space], as: UTF8.self)), length > 0,
                space + 1 + length <= stream.count
            else { throw Malformed() }
            frames.append(Array(stream[(space + 1)..<(space + 1 + length)]))
            index = space + 1 + length
        }
        return frames
    }
}

/// An RFC 3339 time, with or without fractional seconds.
func rfc3339(_ text: String) -> Date? {
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    if let date = formatter.date(from: text) { return date }
    formatter.formatOptions = [.withInternetDateTime]
    return formatter.date(from: text)
}
