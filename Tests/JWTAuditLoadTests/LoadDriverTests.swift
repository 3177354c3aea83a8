import Foundation
import Testing

@testable import JWTAuditLoad

@Suite("LoadDriver and the daemon harness")
struct LoadDriverTests {
    static func load(events: Int, connections: Int) -> GeneratedLoad {
        var configuration = TrafficConfiguration(seed: 11, events: events, connections: connections)
        configuration.startMicros = Sample.start
        return GeneratedLoad.generate(configuration)
    }

    @Test("drives every connection in acknowledged mode and measures ack latency", .timeLimit(.minutes(2)))
    func acknowledged() throws {
        let daemon = try FakeDaemon()
        defer { daemon.shutdown() }
        let load = Self.load(events: 20_000, connections: 3)
        var configuration = LoadDriverConfiguration(socketPath: daemon.path)
        configuration.clientName = "driver"
        configuration.chunkBytes = 64 * 1024
        let report = try LoadDriver.run(load, configuration: configuration)
        #expect(report.failures.isEmpty)
        #expect(report.eventsSent == 20_000)
        #expect(report.eventsAcknowledged == 20_000)
        #expect(report.eventsRejected == 0)
        #expect(report.elapsedSeconds > 0)
        #expect(report.eventsPerSecond > 0)
        let latency = try #require(report.ackLatency)
        #expect(latency.count >= 3)
        #expect(latency.p50 <= latency.p99 && latency.p99 <= latency.max)
        #expect(Set(daemon.hellos.map { $0.contains("\"driver-") }) == [true])
        #expect(daemon.lines.map(\.count).sorted() == [6_666, 6_667, 6_667])
        // The daemon got exactly the generated lines, in order.
        let received = daemon.lines.flatMap { $0 }.sorted()
        let generated = load.streams.flatMap { stream in
            (0..<stream.lineCount).map { String(decoding: stream.line($0).dropLast(), as: UTF8.self) }
        }.sorted()
        #expect(received == generated)
    }

    @Test("fire-and-forget mode sends everything without a hello")
    func fireAndForget() throws {
        var behavior = FakeDaemon.Behavior()
        behavior.helloReply = nil
        let daemon = try FakeDaemon(behavior)
        defer { daemon.shutdown() }
        let load = Self.load(events: 2_000, connections: 1)
        var configuration = LoadDriverConfiguration(socketPath: daemon.path)
        configuration.acknowledged = false
        let report = try LoadDriver.run(load, configuration: configuration)
        #expect(report.eventsSent == 2_000)
        #expect(report.eventsAcknowledged == 0)
        #expect(report.ackLatency == nil)
        // The fake takes the first line for a hello.
        for _ in 0..<1_000 where (daemon.lines.first?.count ?? 0) < 1_999 { usleep(10_000) }
        #expect(daemon.lines.first?.count == 1_999)
    }

    @Test("a rate paces the sending")
    func paced() throws {
        let daemon = try FakeDaemon()
        defer { daemon.shutdown() }
        let load = Self.load(events: 3_000, connections: 2)
        var configuration = LoadDriverConfiguration(socketPath: daemon.path)
        configuration.eventsPerSecond = 10_000
        let report = try LoadDriver.run(load, configuration: configuration)
        #expect(report.eventsAcknowledged == 3_000)
        // 3,000 events at 10,000/s take at least 0.3 s (the first line is due at once).
        #expect(report.sendSeconds > 0.25, "sent in \(report.sendSeconds) s")
    }

    @Test("the daemon harness starts, measures and stops a child process")
    func daemonProcess() throws {
        let folder = NSTemporaryDirectory() + "jwtaudit-harness-\(getpid())/"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let sleeper = try DaemonProcess.launch(
            executable: "/bin/sleep",
            arguments: ["30"],
            logPath: folder + "sleep.log"
        )
        #expect(sleeper.exitCodeIfExited() == nil)
        #expect((sleeper.peakResidentBytes() ?? 0) > 0)
        #expect(sleeper.cpuSeconds() != nil)
        #expect(sleeper.terminate(timeout: .seconds(5)) == 128 + SIGTERM)

        let failing = try DaemonProcess.launch(
            executable: "/bin/sh",
            arguments: ["-c", "echo broken config >&2; exit 3"],
            logPath: folder + "fail.log"
        )
        let error = #expect(throws: LoadError.self) {
            try failing.waitUntilAccepting(socketPath: folder + "never.sock", timeout: .seconds(10))
        }
        #expect(error?.code == .daemonFailed)
        #expect(error?.message.contains("status 3") == true)
        #expect(error?.message.contains("broken config") == true)
    }

    @Test("reads VmHWM from a /proc status text")
    func statusParsing() {
        let status = "Name:\tjwtaudit\nVmPeak:\t  300000 kB\nVmHWM:\t   123456 kB\nVmRSS:\t 1000 kB\n"
        #expect(ProcessStatus.parseKilobytes(field: "VmHWM", in: status) == 123_456)
        #expect(ProcessStatus.parseKilobytes(field: "VmSwap", in: status) == nil)
    }

    @Test("sums the sizes of the files under a folder")
    func directorySize() throws {
        let folder = NSTemporaryDirectory() + "jwtaudit-size-\(getpid())"
        try FileManager.default.createDirectory(atPath: folder + "/a/b", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try Data(count: 1000).write(to: URL(fileURLWithPath: folder + "/x"))
        try Data(count: 234).write(to: URL(fileURLWithPath: folder + "/a/b/y"))
        #expect(IngestBenchmark.directorySize(folder) == 1234)
        #expect(IngestBenchmark.directorySize(folder + "/missing") == 0)
    }
}
