import Foundation

/// `jwtaudit bench ingest`: runs a daemon on a temporary socket and folder, drives it with the
/// load generator in acknowledged mode, and measures throughput, ack latency, bytes per stored
/// event and the daemon's peak memory.
public enum IngestBenchmark {
    /// What to run.
    public struct Configuration: Sendable {
        /// The `jwtaudit` executable that runs `serve`.
        public var executable: String
        /// Events over all connections. Default 1,000,000.
        public var events = 1_000_000
        /// Parallel acknowledged-mode connections. Default 4.
        public var connections = 4
        /// Seed of the generated traffic. Default 1.
        public var seed: UInt64 = 1
        /// Events per second over all connections; 0 sends as fast as the daemon takes them (its
        /// throughput). A rate below that measures ack latency at that load. Default 0.
        public var eventsPerSecond: Double = 0
        /// Keep the temporary folder (socket, data, daemon log) instead of removing it. Default false.
        public var keep = false
        /// Where to create the temporary folder. Default `$TMPDIR` or `/tmp`.
        public var temporaryRoot: String = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
        /// Extra arguments for `serve`, after `--socket` and `--data`. Default none.
        public var extraServeArguments: [String] = []
        /// How long the daemon may take to accept connections. Default 60 s.
        public var startupTimeout: Duration = .seconds(60)
        /// How long the daemon may take to exit after SIGTERM. Default 120 s.
        public var shutdownTimeout: Duration = .seconds(120)

        /// Creates a configuration that runs `executable serve`.
        public init(executable: String) {
            self.executable = executable
        }
    }

    /// What was measured.
    public struct Result: Sendable {
        /// Events sent.
        public var events: Int
        /// Connections used.
        public var connections: Int
        /// The requested rate (0: as fast as possible).
        public var eventsPerSecond: Double
        /// Average raw NDJSON bytes per event sent.
        public var rawBytesPerEvent: Double
        /// Seconds spent generating the load (not measured as ingest time).
        public var generateSeconds: Double
        /// The load run: events/s, ack latency, rejections.
        public var load: LoadReport
        /// Events stored: acknowledged minus rejected.
        public var storedEvents: Int
        /// Total size of all files under the data folder after shutdown.
        public var bytesOnDisk: Int
        /// Peak resident set size of the daemon (VmHWM), if it could be read.
        public var peakResidentBytes: Int?
        /// CPU seconds the daemon used, if they could be read.
        public var daemonCPUSeconds: Double?
        /// CPU seconds this process (the load driver) used while sending and waiting for acks.
        public var driverCPUSeconds: Double
        /// The daemon's exit code after SIGTERM.
        public var daemonExitCode: Int32
        /// The temporary folder, when kept.
        public var keptFolder: String?

        /// ``bytesOnDisk`` / ``storedEvents``.
        public var bytesPerEvent: Double {
            storedEvents > 0 ? Double(bytesOnDisk) / Double(storedEvents) : 0
        }
    }

    /// Runs the benchmark. `progress` receives a line at each step.
    ///
    /// - Throws: ``LoadError`` when the daemon does not start, a connection cannot be opened, or
    ///   the daemon does not exit with status 0 after SIGTERM (the result is lost then: a daemon
    ///   that cannot shut down cleanly has no trustworthy figures).
    public static func run(_ configuration: Configuration, progress: (String) -> Void = { _ in }) throws -> Result {
        guard configuration.events > 0, configuration.connections > 0, configuration.eventsPerSecond >= 0 else {
            throw LoadError(.invalidArgument, "events and connections must be positive, the rate not negative")
        }
        var template = Array((configuration.temporaryRoot + "/jwtaudit-bench-XXXXXX").utf8CString)
        guard let folderPointer = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
            throw LoadError(.io, "cannot create a temporary folder in \(configuration.temporaryRoot)")
        }
        let folder = String(cString: folderPointer)
        var keepFolder = configuration.keep
        defer {
            if !keepFolder { try? FileManager.default.removeItem(atPath: folder) }
        }
        let socketPath = folder + "/jwtaudit.sock"
        let dataPath = folder + "/data"
        progress("starting \(configuration.executable) serve --socket \(socketPath) --data \(dataPath)")
        let daemon = try DaemonProcess.launch(
            executable: configuration.executable,
            arguments: ["serve", "--socket", socketPath, "--data", dataPath] + configuration.extraServeArguments,
            logPath: folder + "/daemon.log"
        )
        do {
            try daemon.waitUntilAccepting(socketPath: socketPath, timeout: configuration.startupTimeout)
        } catch {
            keepFolder = true
            _ = daemon.terminate(timeout: .seconds(5))
            throw error
        }

        progress("generating \(configuration.events) events over \(configuration.connections) connections")
        var traffic = TrafficConfiguration(
            seed: configuration.seed,
            events: configuration.events,
            connections: configuration.connections
        )
        traffic.startMicros = Int64(Date().timeIntervalSince1970 * 1_000_000)
        if configuration.eventsPerSecond > 0 { traffic.eventsPerSecond = configuration.eventsPerSecond }
        let generateStart = MonotonicClock.nanoseconds()
        let load = GeneratedLoad.generate(traffic)
        let generateSeconds = Double(MonotonicClock.nanoseconds() - generateStart) / 1e9

        progress(
            configuration.eventsPerSecond > 0
                ? "sending in acknowledged mode at \(Int(configuration.eventsPerSecond)) events/s"
                : "sending in acknowledged mode, as fast as the daemon takes them"
        )
        var driver = LoadDriverConfiguration(socketPath: socketPath)
        driver.clientName = "bench-\(getpid())"
        driver.eventsPerSecond = configuration.eventsPerSecond
        let report: LoadReport
        let driverCPUBefore = processCPUSeconds()
        do {
            report = try LoadDriver.run(load, configuration: driver)
        } catch {
            keepFolder = true
            _ = daemon.terminate(timeout: configuration.shutdownTimeout)
            throw error
        }
        let driverCPU = processCPUSeconds() - driverCPUBefore
        let peak = daemon.peakResidentBytes()
        let cpu = daemon.cpuSeconds()

        progress("stopping the daemon (SIGTERM)")
        let exitCode = daemon.terminate(timeout: configuration.shutdownTimeout)
        if exitCode != 0 {
            keepFolder = true
            throw LoadError(
                .daemonFailed,
                "the daemon exited with status \(exitCode) after SIGTERM (folder kept: \(folder))\n\(daemon.logTail())"
            )
        }
        let stored = report.eventsAcknowledged - report.eventsRejected
        return Result(
            events: report.eventsSent,
            connections: configuration.connections,
            eventsPerSecond: configuration.eventsPerSecond,
            rawBytesPerEvent: Double(load.byteCount) / Double(max(1, load.eventCount)),
            generateSeconds: generateSeconds,
            load: report,
            storedEvents: stored,
            bytesOnDisk: directorySize(dataPath),
            peakResidentBytes: peak,
            daemonCPUSeconds: cpu,
            driverCPUSeconds: driverCPU,
            daemonExitCode: exitCode,
            keptFolder: keepFolder ? folder : nil
        )
    }

    /// User and system CPU time of this process so far, in seconds.
    static func processCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
        return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
            + Double(usage.ru_stime.tv_usec) / 1e6
    }

    /// Total size of the regular files under `path` (0 when it does not exist).
    public static func directorySize(_ path: String) -> Int {
        guard let enumerator = FileManager.default.enumerator(atPath: path) else { return 0 }
        var total = 0
        while let relative = enumerator.nextObject() as? String {
            var info = stat()
            if lstat(path + "/" + relative, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG {
                total += Int(info.st_size)
            }
        }
        return total
    }
}
