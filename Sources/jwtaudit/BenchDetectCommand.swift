import ArgumentParser
import Foundation
import JWTAuditAlerting
import JWTAuditDetection

extension BenchCommand {
    /// `jwtaudit bench detect`.
    struct Detect: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "detect",
            abstract: "Measure the detection engine alone: CPU per event, state held, peak memory.",
            discussion: """
                Generates the load generator's benign traffic, decodes it, then times the rules over it \
                in batches like the daemon's commits. Use --addresses and --unique-jti to push millions \
                of distinct client IPs and jtis through the bounded state. Build with `-c release` first.
                """
        )

        @Option(help: "Events.") var events = 1_000_000
        @Option(help: "Distinct client IPs in the traffic.") var addresses = 50_000
        @Option(help: "Distinct subjects in the traffic.") var subjects = 100_000
        @Flag(name: .customLong("unique-jti"), help: "Give every event its own jti.") var uniqueJTI = false
        @Option(help: "Keys per detection table (DetectionLimits.maxKeysPerTable).") var maxKeys = DetectionLimits().maxKeysPerTable
        @Option(help: "Seed of the traffic.") var seed: UInt64 = 1

        func run() throws {
            var configuration = DetectionBenchmark.Configuration()
            configuration.traffic.events = events
            configuration.traffic.seed = seed
            configuration.traffic.addresses = addresses
            configuration.traffic.subjects = subjects
            configuration.uniqueTokenIDs = uniqueJTI
            configuration.limits.maxKeysPerTable = maxKeys
            let result = DetectionBenchmark.run(configuration, progress: BenchCommand.progress)
            let statistics = result.statistics
            var lines = [
                "events              \(result.events)",
                String(format: "CPU per event       %.2f µs (one thread)", result.cpuMicrosPerEvent),
                String(format: "throughput          %.0f events/s (wall clock)", result.eventsPerSecond),
                "state               \(statistics.keys) keys, \(statistics.ledgerEntries) ledger entries, \(statistics.evictions) evictions\(statistics.degraded ? " (degraded)" : "")",
                "late events         \(statistics.lateEvents)",
                "peak RSS            " + (result.peakResidentBytes.map { String(format: "%.1f MiB (whole process, events held in memory included)", Double($0) / 1_048_576) } ?? "unknown"),
                "engine memory       " + engineMemory(result),
                "findings ≥ medium   \(result.findingsAtLeastMedium)",
            ]
            for (rule, count) in result.findingsByRule.sorted(by: { $0.key < $1.key }) {
                lines.append("  \(rule): \(count)")
            }
            print(lines.joined(separator: "\n"))
        }

        private func engineMemory(_ result: DetectionBenchmark.Result) -> String {
            guard let bytes = result.engineResidentBytes else { return "unknown" }
            return String(format: "%.1f MiB (RSS after the rules minus before; the engine's state)", Double(bytes) / 1_048_576)
        }
    }
}
