import Foundation
import Glibc
import JWTAuditDetection
import JWTAuditOutputs
import Testing

@Suite struct StdoutOutputTests {
    /// A pipe: (read end, write end).
    private func makePipe() throws -> (Int32, Int32) {
        var fds: [Int32] = [0, 0]
        try #require(pipe(&fds) == 0)
        return (fds[0], fds[1])
    }

    @Test("each alert is one NDJSON line with the alert's fields; line breaks in alert text stay escaped")
    func ndjsonLines() async throws {
        let (reader, writer) = try makePipe()
        defer { close(reader) }
        let output = StdoutOutput(fileDescriptor: writer)
        let hostile = TestAlerts.alert(
            id: 2, severity: .critical, key: AlertKey("user_agent", "curl\n<13>1 forged"), summary: "one\r\ntwo"
        )
        output.offer([TestAlerts.alert(id: 1), hostile])
        await output.shutdown(deadline: deadline(in: 10))
        close(writer)

        let bytes = readAll(reader)
        #expect(bytes.last == UInt8(ascii: "\n"))
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast()
        try #require(lines.count == 2)
        let first = try TestAlerts.object(lines[0])
        #expect(first["id"] as? Int == 1)
        #expect(first["rule"] as? String == "brute_force_signature")
        #expect(first["severity"] as? String == "high")
        #expect((first["key"] as? [String: String]) == ["client_ip": "203.0.113.9"])
        #expect(first["count"] as? Int == 31)
        #expect(first["first_seen"] as? String == "2026-11-29T03:25:34.123456Z")
        #expect(first["status"] as? String == "open")
        let second = try TestAlerts.object(lines[1])
        #expect((second["key"] as? [String: String]) == ["user_agent": "curl\n<13>1 forged"])
        #expect(second["summary"] as? String == "one\r\ntwo")
        #expect(!bytes.contains(UInt8(ascii: "\r")))
        #expect(output.counters.snapshot == OutputCounters.Snapshot(accepted: 2, sent: 2))
    }

    @Test("min_severity keeps lower alerts out, without counting them as lost")
    func severityFilter() async throws {
        let (reader, writer) = try makePipe()
        defer { close(reader) }
        var configuration = StdoutOutput.Configuration()
        configuration.minimumSeverity = .high
        let output = StdoutOutput(configuration: configuration, fileDescriptor: writer)
        output.offer(
            Severity.allCases.enumerated().map { TestAlerts.alert(id: Int64($0.offset), severity: $0.element) })
        await output.shutdown(deadline: deadline(in: 10))
        close(writer)

        let lines = readAll(reader).split(separator: UInt8(ascii: "\n"))
        let severities = try lines.map { try TestAlerts.object($0)["severity"] as? String }
        #expect(severities == ["high", "critical"])
        #expect(output.counters.snapshot == OutputCounters.Snapshot(accepted: 2, sent: 2))
    }

    @Test("shutdown delivers everything queued before it returns; later offers count as dropped")
    func shutdownDrains() async throws {
        let (reader, writer) = try makePipe()
        defer { close(reader) }
        let output = StdoutOutput(fileDescriptor: writer)
        // Written in the background: 500 alerts do not fit the pipe's buffer.
        let collected = ThreadResult { readAll(reader) }
        output.offer(TestAlerts.alerts(1...500))
        await output.shutdown(deadline: deadline(in: 30))
        #expect(output.counters.sent.load(ordering: .relaxed) == 500)
        output.offer([TestAlerts.alert(id: 501)])
        #expect(output.counters.dropped.load(ordering: .relaxed) == 1)
        close(writer)
        let ids = try collected.wait().split(separator: UInt8(ascii: "\n")).map {
            try TestAlerts.object($0)["id"] as? Int
        }
        #expect(ids == Array(1...500))
    }
}

/// Everything readable from `fd` until end of file.
private func readAll(_ fd: Int32) -> [UInt8] {
    var bytes: [UInt8] = []
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while true {
        let count = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if count <= 0 { break }
        bytes.append(contentsOf: buffer[..<count])
    }
    return bytes
}
