import ArgumentParser
import Foundation
import JWTAuditReports
import JWTAuditStore

extension BenchCommand {
    /// `jwtaudit bench report`.
    struct Report: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "report",
            abstract: "Time a compliance report export over a large store (default: 30-day PCI DSS, 10 M events).",
            discussion: """
                Without --data, generates --events synthetic events over the last --days days into a \
                temporary folder through the real writer (rollups and rejection_sources included), signs a \
                checkpoint and records 300 alerts; then exports the report --runs times (evidence, \
                integrity verification, rendering, signature, export record) and prints wall and CPU time. \
                With --data, reports on that folder (period: the last --days days). Build with `-c release`.
                """)

        @Option(help: "Report on this data folder instead of generating one.")
        var data: String?

        @Option(help: "Events to generate.")
        var events = 10_000_000

        @Option(help: "Days the period spans (and the generated events).")
        var days = 30

        @Option(help: "Timed exports.")
        var runs = 3

        @Option(help: "pci-dss, hipaa, sox, soc2 or gdpr.")
        var framework = "pci-dss"

        @Option(help: "json or html.")
        var format = "json"

        @Flag(help: "Keep the generated folder.")
        var keep = false

        func validate() throws {
            guard events > 0, days > 0, runs > 0 else {
                throw ValidationError("--events, --days and --runs must be positive")
            }
            guard ReportFramework(rawValue: framework) != nil else { throw ValidationError("unknown --framework") }
            guard let format = ReportFormat(rawValue: format), format != .csv else {
                throw ValidationError("--format must be json or html")
            }
        }

        func run() throws {
            var configuration = ReportBenchmark.Configuration()
            configuration.events = events
            configuration.days = days
            configuration.runs = runs
            configuration.framework = ReportFramework(rawValue: framework)!
            configuration.format = ReportFormat(rawValue: format)!
            let root = data ?? NSTemporaryDirectory() + "jwtaudit-bench-report-\(getpid())"
            let directory = DataDirectory(root: root)
            let period: ReportPeriod
            if data == nil {
                let started = Date()
                period = try ReportBenchmark.generate(configuration, into: directory) { step in
                    FileHandle.standardError.write(Data("bench: \(step)\n".utf8))
                }
                FileHandle.standardError.write(
                    Data(String(format: "bench: store generated in %.1f s\n", Date().timeIntervalSince(started)).utf8))
            } else {
                let now = currentMicros()
                period = ReportPeriod(covering: now - Int64(days) * 86_400_000_000, now)!
            }
            defer {
                if data == nil && !keep { try? FileManager.default.removeItem(atPath: root) }
            }
            let results = try ReportBenchmark.measure(configuration, directory: directory, period: period)
            let stored = try PartitionInventory.read(directory).events
            let fastest = results.map(\.seconds).min()!
            let slowest = results.map(\.seconds).max()!
            let cpu = results.map(\.cpuSeconds).min()!
            print(
                """
                report           \(framework) (\(format)), \(period.description)
                store            \(stored) events\(keep || data != nil ? " in \(root)" : "")
                runs             \(runs): fastest \(String(format: "%.3f", fastest)) s, slowest \
                \(String(format: "%.3f", slowest)) s (CPU \(String(format: "%.2f", cpu)) s in the fastest)
                report size      \(results[0].bytes) bytes
                {"benchmark":"report","framework":"\(framework)","format":"\(format)","events":\(stored),\
                "days":\(days),"runs":\(runs),"fastest_seconds":\(String(format: "%.3f", fastest)),\
                "slowest_seconds":\(String(format: "%.3f", slowest)),"cpu_seconds":\(String(format: "%.2f", cpu))}
                """)
        }
    }
}
