import Foundation
import JWTAuditTesting
import Testing

/// The data folder on a full file system (docs/storage.md, "Crashes and full disks"): a 64 MiB
/// tmpfs mounted over the harness's data folder, which needs root. Without root the test is
/// skipped (Swift Testing prints the reason).
@Suite("FullDisk", .serialized)
struct FullDiskTests {
    static let isRoot = getuid() == 0

    @Test(
        """
        a full disk stops acks and refuses lines (storage_unavailable, log, metric, event_loss); acks resume \
        when space returns; SIGTERM still stops; nothing acknowledged lost
        """,
        .enabled(if: FullDiskTests.isRoot, "needs root to mount a size-limited tmpfs over the data folder"))
    func fillAndFree() throws {
        let daemon = try DaemonHarness(
            extraArguments: ["--checkpoint-interval", "1", "--metrics-without-token-on-loopback"])
        let mount = try SmallFileSystem(path: daemon.dataPath, megabytes: 64)
        defer { mount.unmount() }
        try daemon.start()
        #expect(try daemon.metric("jwtaudit_storage_available") == 1)
        #expect(try (daemon.metric("jwtaudit_storage_free_bytes") ?? 0) > Double(1 << 20))

        let producer = ResendingProducer(name: "disk-1", socketPath: daemon.socketPath, window: 1_000)
        producer.start()
        defer { producer.finish() }
        #expect(eventually(timeout: 60) { producer.acknowledged >= 3_000 }, "no traffic before the disk filled")

        // Fill the file system; the producer keeps sending until commits fail and it is refused.
        let filler = try mount.fill()
        #expect(
            eventually(timeout: 120) { producer.refusals > 0 },
            "never refused; log: \(daemon.log(tail: 10))")
        let stalled = producer.acknowledged
        #expect(try daemon.metric("jwtaudit_storage_available") == 0)
        #expect(try (daemon.metric("jwtaudit_commit_failures_total") ?? 0) >= 1)
        #expect(daemon.log(tail: 200).contains("storage unavailable"))

        // The daemon keeps running and accepting connections; a flood of fire-and-forget lines is
        // refused and counted, not queued: its memory stays flat.
        let rssBefore = try #require(ResidentMemory.kibibytes(daemon.pid)) * 1_024
        let flood = try daemon.connect()
        let lines = (0..<2_000).map { EventLine.validate(jti: "flood-\($0)", seq: nil) }.joined()
        for _ in 0..<150 { try flood.send(lines) }
        flood.finishSending()
        #expect(
            try eventually(timeout: 60) { try (daemon.metric("jwtaudit_events_refused_total") ?? 0) >= 300_000 },
            "the flood of 300,000 lines was not refused")
        let growth = try #require(ResidentMemory.kibibytes(daemon.pid)) * 1_024 - rssBefore
        #expect(
            !ResidentMemory.boundsApply || growth < 48 << 20,
            "resident memory grew \(growth >> 20) MiB while refusing ~60 MiB of lines")
        let late = try daemon.connectAcknowledged(client: "late")
        try late.send(EventLine.validate(jti: "late-1", seq: 1))
        let reply = try #require(try late.readLine(timeout: 20), "no answer while the disk is full")
        #expect(reply.contains(#""code":"storage_unavailable""#), "\(reply)")
        #expect(producer.acknowledged == stalled, "acknowledged while no commit can succeed")

        // Space returns: the held commit succeeds, acks resume, lines are accepted again.
        try FileManager.default.removeItem(atPath: filler)
        #expect(
            eventually(timeout: 60) { producer.acknowledged > stalled + 1_000 },
            "acks did not resume; log: \(daemon.log(tail: 10))")
        #expect(try daemon.metric("jwtaudit_storage_available") == 1)
        #expect(daemon.log(tail: 200).contains("storage available again"))
        producer.finish()
        let finished = producer.wait(timeout: 60)
        #expect(finished, "\(producer.summary); log: \(daemon.log(tail: 30))")
        if !finished, let saved = ProcessInfo.processInfo.environment["JWTAUDIT_KEEP_LOG"] {
            try? FileManager.default.copyItem(atPath: daemon.logPath, toPath: saved)
            let du = Process()
            du.executableURL = URL(fileURLWithPath: "/bin/sh")
            du.arguments = ["-c", "df -k \"$0\"; ls -laR \"$0\"", daemon.dataPath]
            du.standardOutput = FileHandle(forWritingAtPath: saved) ?? FileHandle.standardOutput
            (du.standardOutput as? FileHandle)?.seekToEndOfFile()
            try? du.run()
            du.waitUntilExit()
            _ = try? DaemonHarness.run(["search", "--data", daemon.dataPath, "--limit", "0"]).output
                .write(toFile: saved + ".events", atomically: true, encoding: .utf8)
        }
        #expect(producer.otherErrors.isEmpty, "\(producer.otherErrors.prefix(3))")
        #expect(producer.stalls == 0, "\(producer.summary)")
        print("FullDisk: \(producer.summary)")

        // event_loss for the refused lines: stored once alerts.sqlite (same disk) can be written.
        var losses: [[String: Any]] = []
        #expect(try eventually(timeout: 30) {
            losses = try Self.alerts(daemon.dataPath, rule: "event_loss")
            return !losses.isEmpty
        })
        let refused = losses.filter { ($0["key"] as? [String: String]) == ["source": "daemon", "kind": "refused"] }
        #expect(!refused.isEmpty, "\(losses)")
        #expect(refused.reduce(0) { $0 + ($1["count"] as? Int ?? 0) } >= 300_000, "\(refused)")

        // A second outage ended by SIGTERM: the daemon stops (it does not wait for space) without
        // acknowledging what it could not store; after a restart with space the producer resends.
        let second = ResendingProducer(name: "disk-2", socketPath: daemon.socketPath, window: 1_000)
        second.start()
        defer { second.finish() }
        #expect(eventually(timeout: 60) { second.acknowledged >= 1_000 })
        let filler2 = try mount.fill()
        #expect(eventually(timeout: 120) { second.refusals > 0 }, "never refused the second time")
        #expect(try daemon.stop(timeout: 60) == 0, "log: \(daemon.log(tail: 10))")
        #expect(daemon.log(tail: 100).contains("stopping with a failed commit"))
        try FileManager.default.removeItem(atPath: filler2)
        try daemon.start()
        second.finish()
        #expect(second.wait(timeout: 60), "\(second.summary)")
        #expect(try daemon.stop() == 0)
        if let saved = ProcessInfo.processInfo.environment["JWTAUDIT_KEEP_LOG"] {
            try? FileManager.default.removeItem(atPath: saved)
            try? FileManager.default.copyItem(atPath: daemon.logPath, toPath: saved)
            _ = try? DaemonHarness.run(["search", "--data", daemon.dataPath, "--limit", "0"]).output
                .write(toFile: saved + ".events", atomically: true, encoding: .utf8)
        }
        try expectIntact(daemon.dataPath, "after the disk was full")
        try expectExactlyOnce(daemon.dataPath, [producer.name: producer.acknowledged, second.name: second.acknowledged])
    }

    static func alerts(_ data: String, rule: String) throws -> [[String: Any]] {
        let result = try DaemonHarness.run(["alerts", "list", "--data", data, "--format", "ndjson", "--rule", rule])
        #expect(result.status == 0, "alerts list: \(result.error)")
        return try result.output.split(separator: "\n").map { try replyObject(String($0)) }
    }
}

/// A tmpfs of a fixed size mounted at a path (root only), and a way to fill it.
struct SmallFileSystem {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    let path: String

    init(path: String, megabytes: Int) throws {
        self.path = path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        try Self.run("/bin/mount", ["-t", "tmpfs", "-o", "size=\(megabytes)m,mode=0700", "tmpfs", path])
    }

    /// Writes a file until the file system has no space left; returns its path.
    func fill() throws -> String {
        let file = path + "/filler"
        let fd = open(file, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw SmallFileSystem.Failure(description: "cannot create \(file)") }
        defer { close(fd) }
        let chunk = [UInt8](repeating: 0, count: 1 << 16)
        while chunk.withUnsafeBytes({ write(fd, $0.baseAddress, $0.count) }) > 0 {}
        return file
    }

    func unmount() {
        try? Self.run("/bin/umount", ["-l", path])
    }

    private static func run(_ tool: String, _ arguments: [String]) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: tool)
        process.arguments = arguments
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw SmallFileSystem.Failure(description: "\(tool) \(arguments.joined(separator: " ")) failed")
        }
    }
}
