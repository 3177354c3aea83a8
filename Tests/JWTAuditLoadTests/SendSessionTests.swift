import Foundation
import Testing

@testable import JWTAuditLoad

@Suite("SendSession and its line bookkeeping")
struct SendSessionTests {
    @Test("rejections name the source and its own line, blank lines skipped")
    func rejectionsMapToSourceLines() throws {
        let daemon = try FakeDaemon()
        defer { daemon.shutdown() }
        let client = try AcknowledgedClient(socketPath: daemon.path, clientName: "send")
        defer { client.close() }
        let session = SendSession(client: client)
        var rejections: [SendSession.Rejection] = []
        session.onRejection = { rejections.append($0) }
        // a.ndjson: lines 1, 3 (REJECT), 4 are events; 2 and 5 are blank; the last lacks its \n.
        try session.send(
            bytes: Array("{\"a\":1}\n\n{\"REJECT\":1}\r\n{\"a\":2}\n   \n{\"a\":3}".utf8),
            sourceName: "a.ndjson"
        )
        // b.ndjson: line 1 blank, line 2 REJECT.
        try session.send(bytes: Array("\r\n{\"REJECT\":2}\n".utf8), sourceName: "b.ndjson")
        let summary = try session.finish()
        #expect(summary == SendSession.Summary(sent: 5, accepted: 3, rejected: 2))
        #expect(rejections.map(\.source) == ["a.ndjson", "b.ndjson"])
        #expect(rejections.map(\.line) == [3, 2])
        #expect(rejections.map(\.error.line) == [2, 5])
        #expect(
            daemon.lines.first == ["{\"a\":1}", "{\"REJECT\":1}", "{\"a\":2}", "{\"a\":3}", "{\"REJECT\":2}"]
        )
    }

    @Test("reads a file descriptor in chunks")
    func sendsFromDescriptor() throws {
        let daemon = try FakeDaemon()
        defer { daemon.shutdown() }
        let client = try AcknowledgedClient(socketPath: daemon.path, clientName: "fd")
        defer { client.close() }
        let file = daemon.folder + "/events.ndjson"
        let lines = (1...50_000).map { "{\"v\":1,\"seq\":\($0)}" }
        try (lines.joined(separator: "\n") + "\n").write(toFile: file, atomically: true, encoding: .utf8)
        let session = SendSession(client: client)
        try session.send(path: file)
        let summary = try session.finish()
        #expect(summary.sent == 50_000)
        #expect(summary.accepted == 50_000)
        #expect(daemon.lines.first == lines)
    }

    @Test("a missing file is an io error naming it")
    func missingFile() throws {
        let daemon = try FakeDaemon()
        defer { daemon.shutdown() }
        let client = try AcknowledgedClient(socketPath: daemon.path, clientName: "missing")
        defer { client.close() }
        let session = SendSession(client: client)
        let error = #expect(throws: LoadError.self) { try session.send(path: daemon.folder + "/nope.ndjson") }
        #expect(error?.code == .io)
        #expect(error?.message.contains("nope.ndjson") == true)
    }

    @Test("the filter gives the same output however the input is split into chunks")
    func filterIsChunkIndependent() {
        let input = Array("{\"a\":1}\r\n\n \t\r\n{\"b\":\"x\ry\"}\r\r\n  {\"c\":3}\n\r\n{\"d\":4}".utf8)
        func run(splitAt cuts: [Int]) -> ([UInt8], [Int?]) {
            var filter = BlankLineFilter(source: 0)
            var map = SourceLineMap()
            var output: [UInt8] = []
            var start = 0
            for cut in cuts + [input.count] {
                input[start..<cut].withUnsafeBytes { filter.process($0, into: &output, map: &map) }
                start = cut
            }
            filter.finish(into: &output)
            return (output, (1...map.wireLines).map { map.locate(wireLine: $0)?.line })
        }
        let whole = run(splitAt: [])
        #expect(String(decoding: whole.0, as: UTF8.self) == "{\"a\":1}\n{\"b\":\"x\ry\"}\r\n  {\"c\":3}\n{\"d\":4}\n")
        #expect(whole.1 == [1, 4, 5, 7])
        for first in 0...input.count {
            for second in stride(from: first, through: input.count, by: 3) {
                let split = run(splitAt: [first, second])
                #expect(split.0 == whole.0, "split at \(first), \(second)")
                #expect(split.1 == whole.1, "split at \(first), \(second)")
            }
        }
    }

    @Test("the line map finds lines across runs and sources")
    func lineMap() {
        var map = SourceLineMap()
        for line in [1, 2, 3, 5, 6] { map.append(source: 0, sourceLine: line) }
        for line in [1, 2] { map.append(source: 1, sourceLine: line) }
        #expect(map.wireLines == 7)
        #expect(map.locate(wireLine: 1)! == (0, 1))
        #expect(map.locate(wireLine: 3)! == (0, 3))
        #expect(map.locate(wireLine: 4)! == (0, 5))
        #expect(map.locate(wireLine: 5)! == (0, 6))
        #expect(map.locate(wireLine: 6)! == (1, 1))
        #expect(map.locate(wireLine: 7)! == (1, 2))
        #expect(map.locate(wireLine: 0) == nil)
        #expect(map.locate(wireLine: 8) == nil)
    }
}
