import ArgumentParser
import Foundation
import JWTAuditLoad

extension BenchCommand {
    /// `jwtaudit bench client`.
    struct Client: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "client",
            abstract: "Measure the Swift client: emit cost on the caller's thread and sustained events/s.",
            discussion: """
                Starts `jwtaudit serve` (this executable) on a temporary socket and data folder. First \
                times each of --emit-events calls to `JWTAuditClient.emit` (percentiles; each sample \
                includes one clock read) and the same calls again as one span (the mean); then sends \
                --events from one client in acknowledged mode as fast as it goes (overflow policy \
                `wait`, so nothing is dropped) and measures events/s from the first emit to the last \
                ack. Build with `-c release` first.
                """
        )

        @Option(help: "Events in the sustained run.")
        var events = 2_000_000

        @Option(name: .customLong("emit-events"), help: "Emit calls timed one by one.")
        var emitEvents = 200_000

        @Flag(help: "Keep the temporary folder (socket, data, daemon log).")
        var keep = false

        @Option(
            name: .customLong("serve-arg"),
            help: ArgumentHelp("An extra argument for `serve` (repeatable).", valueName: "ARG")
        )
        var serveArguments: [String] = []

        func validate() throws {
            guard events > 0, emitEvents > 0 else { throw ValidationError("--events and --emit-events must be positive") }
        }

        func run() async throws {
            let executable = try BenchCommand.executable()
            var configuration = ClientBenchmark.Configuration(executable: executable)
            configuration.sustainedEvents = events
            configuration.emitEvents = emitEvents
            configuration.keep = keep
            configuration.extraServeArguments = serveArguments
            let result: ClientBenchmark.Result
            do {
                result = try ClientBenchmark.run(configuration, progress: BenchCommand.progress)
            } catch {
                FileHandle.standardError.write(Data("jwtaudit bench client: \(error)\n".utf8))
                throw ExitCode(2)
            }
            let latency = result.emitLatency
            func ns(_ seconds: Double?) -> String { seconds.map { String(format: "%.0f ns", $0 * 1e9) } ?? "-" }
            var rows: [(String, String)] = [
                ("emit, caller CPU time, mean of \(result.emitEvents) calls", String(format: "%.0f ns", result.emitMeanNanoseconds)),
                ("emit wall time p50 / p90 / p99 / max", "\(ns(latency?.p50)) / \(ns(latency?.p90)) / \(ns(latency?.p99)) / \(ns(latency?.max))"),
                ("sustained, acknowledged mode", String(format: "%.0f events/s (%d events in %.2f s)", result.eventsPerSecond, result.acknowledged, result.sustainedSeconds)),
                ("client CPU per event", String(format: "%.2f µs", result.clientCPUMicrosPerEvent)),
                ("daemon CPU per event", result.daemonCPUMicrosPerEvent.map { String(format: "%.2f µs", $0) } ?? "-"),
                ("dropped + rejected + abandoned", "\(result.lost)"),
                ("daemon exit after SIGTERM", "\(result.daemonExitCode)"),
            ]
            if let folder = result.keptFolder { rows.append(("kept folder", folder)) }
            let width = rows.map(\.0.count).max() ?? 0
            for (name, value) in rows {
                print(name.padding(toLength: width, withPad: " ", startingAt: 0) + "  " + value)
            }
            if result.lost > 0 || result.daemonExitCode != 0 { throw ExitCode(1) }
        }
    }
}
