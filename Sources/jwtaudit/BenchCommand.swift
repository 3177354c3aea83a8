import ArgumentParser
import Foundation
import JWTAuditLoad

/// `jwtaudit bench`: benchmarks that run their own daemon.
struct BenchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Benchmarks that run their own daemon on a temporary socket and folder.",
        subcommands: [Ingest.self, Detect.self, Verify.self, Retention.self, Pseudonyms.self, Report.self, Client.self]
    )

    /// This executable's path, which benchmarks start as their daemon.
    static func executable() throws -> String {
        guard let path = DaemonProcess.currentExecutablePath() else {
            throw ValidationError("cannot locate this executable (/proc/self/exe)")
        }
        return path
    }

    /// Prints a benchmark's progress step on standard error.
    @Sendable static func progress(_ step: String) {
        FileHandle.standardError.write(Data(("bench: " + step + "\n").utf8))
    }

    /// `jwtaudit bench ingest`.
    struct Ingest: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ingest",
            abstract: "Measure acknowledged-mode ingest: events/s, ack latency, bytes per event, peak RSS.",
            discussion: """
                Starts `jwtaudit serve` (this executable) on a temporary socket and data folder, \
                pre-generates the load generator's traffic, sends it over parallel acknowledged-mode \
                connections, and measures events/s from the first byte sent to the last ack \
                received; ack latency per written chunk (until an ack covers its last line); the \
                daemon's peak RSS (VmHWM); then stops it with SIGTERM (it must exit 0) and divides \
                the size of the data folder by the stored events. Build with `-c release` first.
                """
        )

        @Option(help: "Events over all connections.")
        var events = 1_000_000

        @Option(help: "Parallel acknowledged-mode connections.")
        var connections = 4

        @Option(help: "Seed of the traffic.")
        var seed: UInt64 = 1

        @Option(
            help: """
                Events per second over all connections; 0 sends as fast as the daemon takes them. \
                Below the daemon's throughput, the ack latency is the latency at that load.
                """
        )
        var rate: Double = 0

        @Flag(help: "Keep the temporary folder (socket, data, daemon log).")
        var keep = false

        @Option(
            name: .customLong("serve-arg"),
            help: ArgumentHelp("An extra argument for `serve` (repeatable).", valueName: "ARG")
        )
        var serveArguments: [String] = []

        func validate() throws {
            guard events > 0 else { throw ValidationError("--events must be positive") }
            guard rate >= 0 && rate.isFinite else { throw ValidationError("--rate must be 0 or positive") }
            guard connections >= 1 && connections <= 256 else {
                throw ValidationError("--connections must be between 1 and 256")
            }
        }

        func run() async throws {
            let executable = try BenchCommand.executable()
            var configuration = IngestBenchmark.Configuration(executable: executable)
            configuration.events = events
            configuration.connections = connections
            configuration.seed = seed
            configuration.eventsPerSecond = rate
            configuration.keep = keep
            configuration.extraServeArguments = serveArguments
            let result: IngestBenchmark.Result
            do {
                result = try IngestBenchmark.run(configuration, progress: BenchCommand.progress)
            } catch {
                FileHandle.standardError.write(Data("jwtaudit bench ingest: \(error)\n".utf8))
                throw ExitCode(2)
            }
            print(Self.table(result))
            print(Self.json(result))
            for (connection, error) in result.load.sampleErrors {
                FileHandle.standardError.write(Data("connection \(connection): \(error)\n".utf8))
            }
            for failure in result.load.failures {
                FileHandle.standardError.write(Data("jwtaudit bench ingest: \(failure)\n".utf8))
            }
            if !result.load.failures.isEmpty || result.load.eventsRejected > 0 { throw ExitCode(1) }
        }

        static func table(_ result: IngestBenchmark.Result) -> String {
            let load = result.load
            var rows: [(String, String)] = [
                (
                    "events",
                    "\(grouped(result.events)) over \(result.connections) connections (acknowledged mode, "
                        + (result.eventsPerSecond > 0
                            ? "paced at \(grouped(Int(result.eventsPerSecond))) events/s)" : "as fast as possible)")
                ),
                ("raw event size", String(format: "%.0f bytes", result.rawBytesPerEvent)),
                ("generated in", String(format: "%.2f s (before the clock starts)", result.generateSeconds)),
                ("throughput", "\(grouped(Int(load.eventsPerSecond.rounded()))) events/s"),
                ("elapsed", String(format: "%.3f s, first byte sent to last ack", load.elapsedSeconds)),
            ]
            if let latency = load.ackLatency {
                rows.append(
                    (
                        "ack latency",
                        String(
                            format: "p50 %.1f ms, p99 %.1f ms, max %.1f ms (%d chunks)",
                            latency.p50 * 1000,
                            latency.p99 * 1000,
                            latency.max * 1000,
                            latency.count
                        )
                    )
                )
            }
            rows.append(("rejected", grouped(load.eventsRejected)))
            rows.append(
                ("stored", "\(grouped(result.storedEvents)) events, \(grouped(result.bytesOnDisk)) bytes on disk")
            )
            rows.append(("bytes per event", String(format: "%.1f", result.bytesPerEvent)))
            rows.append(
                (
                    "daemon peak RSS",
                    result.peakResidentBytes.map { String(format: "%.1f MiB", Double($0) / 1_048_576) } ?? "unknown"
                )
            )
            if let cpu = result.daemonCPUSeconds {
                rows.append(("daemon CPU", String(format: "%.2f s", cpu)))
            }
            rows.append(
                ("load driver CPU", String(format: "%.2f s (this process, while sending)", result.driverCPUSeconds))
            )
            rows.append(("daemon exit", "\(result.daemonExitCode) after SIGTERM"))
            if let folder = result.keptFolder { rows.append(("kept", folder)) }
            let width = rows.map(\.0.count).max() ?? 0
            return rows.map { $0.0.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + $0.1 }
                .joined(separator: "\n")
        }

        static func json(_ result: IngestBenchmark.Result) -> String {
            let load = result.load
            func number(_ value: Double?, _ digits: Int) -> String {
                guard let value, value.isFinite else { return "null" }
                return String(format: "%.\(digits)f", value)
            }
            let fields: [(String, String)] = [
                ("benchmark", "\"ingest\""),
                ("events", "\(result.events)"),
                ("connections", "\(result.connections)"),
                ("rate", number(result.eventsPerSecond, 0)),
                ("events_per_second", number(load.eventsPerSecond, 0)),
                ("elapsed_seconds", number(load.elapsedSeconds, 3)),
                ("ack_p50_ms", number(load.ackLatency.map { $0.p50 * 1000 }, 2)),
                ("ack_p99_ms", number(load.ackLatency.map { $0.p99 * 1000 }, 2)),
                ("ack_max_ms", number(load.ackLatency.map { $0.max * 1000 }, 2)),
                ("rejected", "\(load.eventsRejected)"),
                ("stored_events", "\(result.storedEvents)"),
                ("bytes_on_disk", "\(result.bytesOnDisk)"),
                ("bytes_per_event", number(result.bytesPerEvent, 2)),
                ("raw_bytes_per_event", number(result.rawBytesPerEvent, 1)),
                ("peak_rss_bytes", result.peakResidentBytes.map { "\($0)" } ?? "null"),
                ("daemon_cpu_seconds", number(result.daemonCPUSeconds, 2)),
                ("driver_cpu_seconds", number(result.driverCPUSeconds, 2)),
                ("daemon_exit", "\(result.daemonExitCode)"),
            ]
            return "{" + fields.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}"
        }

        private static func grouped(_ value: Int) -> String {
            let digits = String(value.magnitude)
            var out = ""
            for (index, character) in digits.enumerated() {
                if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
                out.append(character)
            }
            return (value < 0 ? "-" : "") + out
        }
    }
}
