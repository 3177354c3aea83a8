import Foundation
import Glibc
import JWTAuditTesting
import Testing

/// Who may reach the socket and speak for a service, and which files the daemon refuses to trust.
@Suite("Local security", .serialized)
struct LocalSecurityTests {
    static let isRoot = getuid() == 0
    static let nobody: UInt32 = 65_534

    @Test(
        "the socket gets the mode and the group of the configuration",
        .enabled(if: isRoot, "needs root to give the socket to a group the test does not belong to")
    )
    func socketModeAndGroup() throws {
        let config = try ConfigurationFixture("{\"socket_mode\": \"0600\", \"socket_group\": \"\(Self.nobody)\"}")
        try withDaemon(["--config", config.path]) { daemon in
            var info = stat()
            #expect(lstat(daemon.socketPath, &info) == 0)
            #expect(info.st_mode & S_IFMT == S_IFSOCK)
            #expect(info.st_mode & 0o7777 == 0o600, "mode \(String(info.st_mode & 0o7777, radix: 8))")
            #expect(info.st_gid == Self.nobody)
        }
    }

    @Test("a socket mode that lets other users in, or is not an octal string, is refused at start")
    func badSocketMode() throws {
        for mode in ["\"0666\"", "\"0662\"", "\"0460\"", "\"0777\"", "\"rw-rw----\"", "432"] {
            let config = try ConfigurationFixture("{\n  \"socket_mode\": \(mode)\n}\n")
            let result = try DaemonHarness.run(["serve", "--config", config.path, "--data", config.folder.file("data")])
            #expect(result.status != 0, "socket_mode \(mode) accepted")
            #expect(result.error.contains("jwtaudit.json:2: field socket_mode"), "\(mode): \(result.error)")
        }
    }

    @Test(
        "as nobody, a client cannot speak for a service bound to another uid; outside the socket's group, not at all",
        .enabled(if: isRoot, "needs root to run clients under other uids with setpriv")
    )
    func serviceBindingsAcrossUsers() throws {
        let config = try ConfigurationFixture(
            """
            {
              "socket_group": "\(Self.nobody)",
              "service_bindings": {"payments": [0], "batch-jobs": [\(Self.nobody)]}
            }
            """
        )
        try withDaemon(["--config", config.path]) { daemon in
            // Let other users reach the socket inside the harness's private folder.
            #expect(chmod(daemon.folder.path, 0o711) == 0)
            let shared = try TemporaryDirectory(prefix: "jwtnobody")
            #expect(chmod(shared.path, 0o755) == 0)
            let events = shared.file("events.ndjson")
            try [
                EventLine.validate(service: "payments", sub: "forged-by-nobody"),
                EventLine.validate(service: "batch-jobs", sub: "nobody-own"),
                EventLine.validate(service: "unbound", sub: "nobody-unbound"),
            ].joined().write(toFile: events, atomically: true, encoding: .utf8)
            #expect(chmod(events, 0o644) == 0)

            let asNobody = try Self.runAs(
                uid: Self.nobody,
                gid: Self.nobody,
                ["send", "--socket", daemon.socketPath, events]
            )
            #expect(asNobody.status == 1, "send as nobody: \(asNobody.status) \(asNobody.error)")
            #expect(asNobody.error.contains("line 1: service_not_allowed service:"), "\(asNobody.error)")
            #expect(asNobody.output.contains("accepted 2, rejected 1"), "\(asNobody.output)")

            let stranger = try Self.runAs(uid: 65_533, gid: 65_533, ["send", "--socket", daemon.socketPath, events])
            #expect(stranger.status == 2, "a uid outside the socket's group connected: \(stranger.error)")
            #expect(stranger.error.lowercased().contains("permission denied"), "\(stranger.error)")

            let root = try daemon.connectAcknowledged(client: "root")
            try root.send(EventLine.validate(service: "payments", sub: "by-root"))
            let replies = try root.awaitAck(1)
            #expect(replies.allSatisfy { !$0.contains("\"error\"") }, "\(replies)")

            let stored = try searchEvents(daemon.dataPath)
            #expect(Set(stored.compactMap { $0["sub"] as? String }) == ["nobody-own", "nobody-unbound", "by-root"])
            for event in stored where (event["sub"] as? String)?.hasPrefix("nobody") == true {
                #expect(event["peer_uid"] as? Int == Int(Self.nobody))
                #expect(event["peer_gid"] as? Int == Int(Self.nobody))
            }
            let quarantine = try DaemonHarness.run(["quarantine", "--data", daemon.dataPath])
            #expect(quarantine.output.contains("service_not_allowed"), "\(quarantine.output)")
        }
    }

    @Test("the daemon refuses a world-writable data folder, naming the folder and the fix")
    func worldWritableDataFolder() throws {
        let daemon = try DaemonHarness()
        #expect(mkdir(daemon.dataPath, 0o700) == 0)
        #expect(chmod(daemon.dataPath, 0o777) == 0)
        #expect(throws: DaemonHarness.Failure.self) { try daemon.start(timeout: 30) }
        let log = daemon.log(tail: 20)
        #expect(log.contains("\(daemon.dataPath) is writable by every user"), "\(log)")
        #expect(log.contains("chmod o-w \(daemon.dataPath)"), "\(log)")
        #expect(!FileManager.default.fileExists(atPath: daemon.socketPath), "the socket was created")
    }

    @Test("the daemon refuses key files other users may read or write, and a world-writable secrets folder")
    func unsafeKeyFiles() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        #expect(try daemon.stop() == 0)
        let secrets = daemon.dataPath + "/secrets"
        for (path, mode) in [
            (secrets + "/token-fingerprint.key", mode_t(0o644)), (secrets + "/token-fingerprint.key", 0o606),
            (secrets + "/checkpoint-signing.key", 0o660), (secrets, 0o777),
        ] {
            var info = stat()
            #expect(stat(path, &info) == 0, "\(path) missing")
            let original = info.st_mode & 0o7777
            #expect(chmod(path, mode) == 0)
            try "".write(toFile: daemon.logPath, atomically: false, encoding: .utf8)
            #expect(throws: DaemonHarness.Failure.self, "mode \(String(mode, radix: 8)) on \(path) accepted") {
                try daemon.start(timeout: 30)
            }
            let log = daemon.log(tail: 20)
            #expect(log.contains(path), "\(log)")
            #expect(log.contains(path.hasSuffix(".key") ? "chmod 600 \(path)" : "chmod o-w \(path)"), "\(log)")
            #expect(chmod(path, original) == 0)
        }
        try daemon.start()
        #expect(try daemon.stop() == 0)
    }

    /// Runs `jwtaudit` with `arguments` as another user (setpriv, no supplementary groups).
    static func runAs(
        uid: UInt32,
        gid: UInt32,
        _ arguments: [String]
    ) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/setpriv")
        process.arguments =
            ["--reuid=\(uid)", "--regid=\(gid)", "--clear-groups", "--", try DaemonHarness.executablePath()] + arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (
            process.terminationStatus, String(decoding: outData, as: UTF8.self),
            String(decoding: errData, as: UTF8.self)
        )
    }
}
