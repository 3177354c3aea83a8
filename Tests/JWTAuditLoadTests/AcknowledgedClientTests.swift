import Foundation
import Testing

@testable import JWTAuditLoad

@Suite("AcknowledgedClient against a fake daemon")
struct AcknowledgedClientTests {
    @Test("sends the hello with the client name and reads max_line from the answer")
    func hello() throws {
        let daemon = try FakeDaemon()
        defer { daemon.shutdown() }
        let client = try AcknowledgedClient(socketPath: daemon.path, clientName: "svc \"one\"")
        defer { client.close() }
        #expect(client.maxLineBytes == 4096)
        let hello = try #require(daemon.hellos.first)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(hello.utf8)) as? [String: Any])
        let fields = try #require(object["hello"] as? [String: Any])
        #expect(fields["version"] as? Int == 1)
        #expect(fields["ack"] as? Bool == true)
        #expect(fields["client"] as? String == "svc \"one\"")
    }

    @Test("counts acks and parses errors with their 1-based line numbers")
    func acksAndErrors() throws {
        let daemon = try FakeDaemon()
        defer { daemon.shutdown() }
        let client = try AcknowledgedClient(socketPath: daemon.path, clientName: "t")
        defer { client.close() }
        var errors: [ServerError] = []
        var acks: [Int] = []
        client.onError = { errors.append($0) }
        client.onAck = { acks.append($0) }
        var payload = ""
        for line in 1...10 {
            payload += line == 3 || line == 7 ? "{\"REJECT\":\(line)}\n" : "{\"n\":\(line)}\n"
        }
        try client.write(Array(payload.utf8))
        try client.waitForAcknowledgement(of: 10)
        #expect(client.acknowledgedLines == 10)
        #expect(client.rejectedLines == 2)
        #expect(errors.map(\.line) == [3, 7])
        #expect(errors.first?.code == "invalid_field")
        #expect(errors.first?.field == "ts")
        #expect(errors.first?.message == "not RFC 3339: \"x\"")
        #expect(acks == acks.sorted())
        #expect(acks.last == 10)
        #expect(daemon.lines.first?.count == 10)
    }

    @Test("a large send does not deadlock while the daemon answers every line", .timeLimit(.minutes(2)))
    func largeSendWithManyReplies() throws {
        var behavior = FakeDaemon.Behavior()
        behavior.ackEachLine = true
        let daemon = try FakeDaemon(behavior)
        defer { daemon.shutdown() }
        let client = try AcknowledgedClient(socketPath: daemon.path, clientName: "big")
        defer { client.close() }
        // 100,000 acks of ~14 bytes are far more than both socket buffers hold: a client that
        // only wrote would block, and so would the daemon writing its acks.
        let line = Array("{\"v\":1,\"pad\":\"................................\"}\n".utf8)
        var payload: [UInt8] = []
        payload.reserveCapacity(line.count * 100_000)
        for _ in 0..<100_000 { payload += line }
        try client.write(payload)
        try client.waitForAcknowledgement(of: 100_000)
        #expect(client.acknowledgedLines == 100_000)
        #expect(client.rejectedLines == 0)
    }

    @Test("a connection closed before the final ack is an error naming what was acknowledged")
    func droppedConnection() throws {
        var behavior = FakeDaemon.Behavior()
        behavior.closeAfterLines = 5
        let daemon = try FakeDaemon(behavior)
        defer { daemon.shutdown() }
        let client = try AcknowledgedClient(socketPath: daemon.path, clientName: "drop")
        defer { client.close() }
        let payload = Array(String(repeating: "{\"v\":1}\n", count: 10).utf8)
        let error = #expect(throws: LoadError.self) {
            try client.write(payload)
            try client.waitForAcknowledgement(of: 10)
        }
        #expect(error?.code == .connectionLost)
        #expect(client.acknowledgedLines < 10)
    }

    @Test("no hello answer is a handshake failure after the timeout")
    func silentDaemon() throws {
        var behavior = FakeDaemon.Behavior()
        behavior.helloReply = nil
        let daemon = try FakeDaemon(behavior)
        defer { daemon.shutdown() }
        let error = #expect(throws: LoadError.self) {
            _ = try AcknowledgedClient(socketPath: daemon.path, clientName: "x", helloTimeout: .milliseconds(200))
        }
        #expect(error?.code == .handshakeFailed)
        #expect(error?.message.contains(daemon.path) == true)
    }

    @Test("a refused hello reports the daemon's error")
    func refusedHello() throws {
        var behavior = FakeDaemon.Behavior()
        behavior.helloReply =
            #"{"error":{"line":0,"code":"unsupported_version","field":"version","message":"version 1 only"}}"#
        let daemon = try FakeDaemon(behavior)
        defer { daemon.shutdown() }
        let error = #expect(throws: LoadError.self) {
            _ = try AcknowledgedClient(socketPath: daemon.path, clientName: "x")
        }
        #expect(error?.code == .handshakeFailed)
        #expect(error?.message.contains("unsupported_version version: version 1 only") == true)
    }

    @Test("an unreachable daemon is a clear error naming the path and the system's reason")
    func unreachable() throws {
        let path = NSTemporaryDirectory() + "jwtaudit-no-daemon-\(getpid()).sock"
        let error = #expect(throws: LoadError.self) {
            _ = try AcknowledgedClient(socketPath: path, clientName: "x")
        }
        #expect(error?.code == .connectFailed)
        #expect(error?.message.contains(path) == true)
        #expect(error?.message.contains("No such file or directory") == true)
        #expect(error?.errno == ENOENT)
    }

    @Test("a path too long for a Unix socket is refused before connecting")
    func pathTooLong() {
        let error = #expect(throws: LoadError.self) {
            _ = try AcknowledgedClient(socketPath: "/tmp/" + String(repeating: "x", count: 200), clientName: "x")
        }
        #expect(error?.code == .connectFailed)
    }
}
