import Foundation
import JWTAuditClient

/// `jwtaudit bench client`: the cost of ``JWTAuditClient/emit(_:)`` on the caller's thread, and the
/// events/s one client sustains to a real daemon in acknowledged mode.
public enum ClientBenchmark {
    /// What to run.
    public struct Configuration: Sendable {
        /// The `jwtaudit` executable that runs `serve`.
        public var executable: String
        /// Events timed one by one for the emit cost. Default 200,000.
        public var emitEvents = 200_000
        /// Events for the sustained run. Default 2,000,000.
        public var sustainedEvents = 2_000_000
        /// Keep the temporary folder. Default false.
        public var keep = false
        /// Where to create the temporary folder. Default `$TMPDIR` or `/tmp`.
        public var temporaryRoot: String = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        /// Extra arguments for `serve`. Default none.
        public var extraServeArguments: [String] = []

        /// Creates a configuration that runs `executable serve`.
        public init(executable: String) {
            self.executable = executable
        }
    }

    /// What was measured.
    public struct Result: Sendable {
        /// Emit calls timed one by one.
        public var emitEvents: Int
        /// Per-call emit wall time (each sample includes one clock read, and, on a loaded machine,
        /// any time the thread was preempted).
        public var emitLatency: LatencySummary?
        /// Mean emit cost in CPU time of the calling thread over the same number of calls measured
        /// as one span (no per-call clock), in ns.
        public var emitMeanNanoseconds: Double
        /// Events in the sustained run.
        public var sustainedEvents: Int
        /// Seconds from the first emit to the last acknowledgement.
        public var sustainedSeconds: Double
        /// Events acknowledged (stored) in the sustained run.
        public var acknowledged: Int
        /// Events dropped, rejected or abandoned over both runs (should be 0).
        public var lost: Int
        /// CPU seconds of this process (caller plus writer thread) per sustained event, in µs.
        public var clientCPUMicrosPerEvent: Double
        /// CPU seconds of the daemon per sustained event, in µs, if they could be read.
        public var daemonCPUMicrosPerEvent: Double?
        /// The daemon's exit status after SIGTERM.
        public var daemonExitCode: Int32
        /// The temporary folder, when kept.
        public var keptFolder: String?

        /// Sustained events per second.
        public var eventsPerSecond: Double { sustainedSeconds > 0 ? Double(acknowledged) / sustainedSeconds : 0 }
    }

    /// Runs both measurements against one daemon. `progress` receives a line at each step.
    public static func run(_ configuration: Configuration, progress: (String) -> Void = { _ in }) throws -> Result {
        var template = Array((configuration.temporaryRoot + "/jwtaudit-bench-client-XXXXXX").utf8CString)
        guard let folderPointer = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw LoadError(.io, "cannot create a temporary folder in \(configuration.temporaryRoot)")
        }
        let folder = String(cString: folderPointer)
        var keepFolder = configuration.keep
        defer {
            if !keepFolder { try? FileManager.default.removeItem(atPath: folder) }
        }
        let socketPath = folder + "/jwtaudit.sock"
        progress("starting \(configuration.executable) serve in \(folder)")
        let daemon = try DaemonProcess.launch(
            executable: configuration.executable,
            arguments: ["serve", "--socket", socketPath, "--data", folder + "/data"] + configuration.extraServeArguments,
            logPath: folder + "/daemon.log"
        )
        do {
            try daemon.waitUntilAccepting(socketPath: socketPath, timeout: .seconds(60))
        } catch {
            keepFolder = true
            _ = daemon.terminate(timeout: .seconds(5))
            throw error
        }
        let events = sampleEvents()

        progress("emit cost: \(configuration.emitEvents) calls, each timed")
        var emitConfiguration = JWTAuditClient.Configuration(socketPath: socketPath, service: "bench-emit")
        emitConfiguration.bufferCapacity = configuration.emitEvents + 1
        let emitClient = JWTAuditClient(configuration: emitConfiguration)
        guard emitClient.flush(timeout: .seconds(10)) else { throw LoadError(.connectFailed, "the client did not connect") }
        var samples = [UInt64](repeating: 0, count: configuration.emitEvents)
        // Warm-up outside the measurement: the first calls fault pages of the ring in.
        for index in 0..<min(1_000, configuration.emitEvents) { emitClient.emit(events[index & 1023]) }
        _ = emitClient.flush(timeout: .seconds(30))
        for index in 0..<configuration.emitEvents {
            let before = nanoseconds()
            emitClient.emit(events[index & 1023])
            samples[index] = nanoseconds() - before
        }
        _ = emitClient.flush(timeout: .seconds(120))
        // The same calls again as one span, without the per-call clock reads, in this thread's
        // CPU time: on a loaded machine, wall time also counts the time other processes ran.
        let meanStart = nanoseconds(CLOCK_THREAD_CPUTIME_ID)
        for index in 0..<configuration.emitEvents { emitClient.emit(events[index & 1023]) }
        let meanNanoseconds =
            Double(nanoseconds(CLOCK_THREAD_CPUTIME_ID) - meanStart) / Double(max(1, configuration.emitEvents))
        _ = emitClient.flush(timeout: .seconds(120))
        let emitCounters = emitClient.shutdown(timeout: .seconds(30))

        progress("sustained: \(configuration.sustainedEvents) events from one client, acknowledged mode")
        var sustainedConfiguration = JWTAuditClient.Configuration(socketPath: socketPath, service: "bench-sustained")
        sustainedConfiguration.overflowPolicy = .wait(timeout: .seconds(60))
        let client = JWTAuditClient(configuration: sustainedConfiguration)
        guard client.flush(timeout: .seconds(10)) else { throw LoadError(.connectFailed, "the client did not connect") }
        let daemonCPUBefore = daemon.cpuSeconds()
        let cpuBefore = IngestBenchmark.processCPUSeconds()
        let start = nanoseconds()
        for index in 0..<configuration.sustainedEvents { client.emit(events[index & 1023]) }
        let delivered = client.flush(timeout: .seconds(600))
        let seconds = Double(nanoseconds() - start) / 1e9
        let cpu = IngestBenchmark.processCPUSeconds() - cpuBefore
        let daemonCPU = daemon.cpuSeconds().flatMap { after in daemonCPUBefore.map { after - $0 } }
        let counters = client.shutdown(timeout: .seconds(30))
        if !delivered { keepFolder = true }

        progress("stopping the daemon (SIGTERM)")
        let exitCode = daemon.terminate(timeout: .seconds(120))
        if exitCode != 0 { keepFolder = true }
        let lost = [emitCounters, counters].reduce(0) { $0 + $1.dropped + $1.rejected + $1.abandoned }
        let perEvent = Double(max(1, configuration.sustainedEvents))
        return Result(
            emitEvents: configuration.emitEvents,
            emitLatency: LatencySummary(nanoseconds: samples),
            emitMeanNanoseconds: meanNanoseconds,
            sustainedEvents: configuration.sustainedEvents,
            sustainedSeconds: seconds,
            acknowledged: counters.acknowledged,
            lost: lost,
            clientCPUMicrosPerEvent: cpu * 1e6 / perEvent,
            daemonCPUMicrosPerEvent: daemonCPU.map { $0 * 1e6 / perEvent },
            daemonExitCode: exitCode,
            keptFolder: keepFolder ? folder : nil
        )
    }

    /// 1,024 events shaped like a busy API's: mostly accepted, some expired, varied subjects and addresses.
    static func sampleEvents() -> [JWTAuditEvent] {
        (0..<1_024).map { index in
            var event = index % 10 == 0 ? JWTAuditEvent.rejected(.expired) : JWTAuditEvent.accepted()
            event.iss = "https://idp.example.com"
            event.sub = "user-\(index % 300)"
            event.aud = ["api"]
            event.jti = "jti-\(index)"
            event.alg = "RS256"
            event.kid = "key-2026"
            event.exp = 1_800_000_000 + Int64(index)
            event.clientIP = "198.51.100.\(index % 250 + 1)"
            event.userAgent = "bench/1.0"
            event.latencyMicros = Int64(40 + index % 60)
            return event
        }
    }

    @inline(__always)
    private static func nanoseconds(_ clock: clockid_t = CLOCK_MONOTONIC) -> UInt64 {
        var time = timespec()
        clock_gettime(clock, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }
}
