import Foundation
import JWTAuditTesting
import Testing

@Suite("jwtaudit send", .serialized)
struct SendCommandTests {
    @Test("send reports accepted and rejected counts with file line numbers, and exits 1 on a rejection")
    func countsAndErrors() throws {
        try withDaemon { daemon in
            let folder = try TemporaryDirectory()
            let file = folder.file("events.ndjson")
            let text = EventLine.validate(sub: "one") + "\n" + "{\"v\":1,\"service\":\"api\"}\n" + EventLine.validate(sub: "two")
            try text.write(toFile: file, atomically: true, encoding: .utf8)
            let result = try DaemonHarness.run(["send", "--socket", daemon.socketPath, file])
            #expect(result.status == 1)
            #expect(result.output.contains("accepted 2, rejected 1") || result.error.contains("accepted 2, rejected 1"))
            #expect(result.error.contains("line 3: missing_field"))
            #expect(try searchEvents(daemon.dataPath).compactMap { $0["sub"] as? String } == ["one", "two"])

            let clean = try DaemonHarness.run(
                ["send", "--socket", daemon.socketPath], stdin: Data(EventLine.validate(sub: "three").utf8))
            #expect(clean.status == 0)
        }
    }

    @Test("send fails clearly when no daemon listens")
    func unreachable() throws {
        let folder = try TemporaryDirectory()
        let result = try DaemonHarness.run(
            ["send", "--socket", folder.file("none.sock")], stdin: Data(EventLine.validate().utf8))
        #expect(result.status != 0)
        #expect(result.error.contains("none.sock"))
    }
}
