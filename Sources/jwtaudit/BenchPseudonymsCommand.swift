import ArgumentParser
import Foundation
import JWTAuditModel
import JWTAuditStore

extension BenchCommand {
    /// `jwtaudit bench pseudonyms`.
    struct Pseudonyms: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "pseudonyms",
            abstract: "Time the writer's pseudonymisation of sub and client_ip alone, per event (CPU time).",
            discussion: """
                Builds --events events over --subjects distinct subjects and --addresses distinct addresses, \
                then pseudonymises them in batches of --batch on a new temporary key table: the first pass \
                creates every key (cold), the second finds every value in memory (warm), the third on a \
                reopened table reads every key from disk (cache empty). Prints µs of CPU per event for each. \
                Build with `-c release`.
                """
        )

        @Option(help: "Events per pass.")
        var events = 1_000_000

        @Option(help: "Distinct subjects.")
        var subjects = 50_000

        @Option(help: "Distinct client addresses.")
        var addresses = 20_000

        @Option(help: "Events per batch (a group commit).")
        var batch = 16_384

        func validate() throws {
            guard events > 0, subjects > 0, addresses > 0, batch > 0 else {
                throw ValidationError("--events, --subjects, --addresses and --batch must be positive")
            }
        }

        func run() throws {
            let temporary = ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp"
            let root = temporary + "/jwtaudit-bench-pseudonyms-\(getpid())"
            defer { try? FileManager.default.removeItem(atPath: root) }
            let directory = DataDirectory(root: root)
            var template: [AuditEvent] = []
            template.reserveCapacity(events)
            var random = SystemRandomNumberGenerator()
            for index in 0..<events {
                var event = AuditEvent(timestamp: Int64(index), service: "api", outcome: .accepted)
                let subject = Int.random(in: 0..<subjects, using: &random)
                event.subject = "user-\(subject)@example.org"
                let address = Int.random(in: 0..<addresses, using: &random)
                event.clientIP = "10.\(address >> 16 & 255).\(address >> 8 & 255).\(address & 255)"
                template.append(event)
            }
            let fields = PseudonymField.allCases
            var pseudonymiser = try Pseudonymiser(directory: directory, fields: fields, now: 0)
            let cold = try pass(pseudonymiser, template)
            let warm = try pass(pseudonymiser, template)
            pseudonymiser = try Pseudonymiser(directory: directory, fields: fields, now: 0)
            let reopened = try pass(pseudonymiser, template)
            let keys = try PseudonymVault(directory: directory, readOnly: true).keyCount()
            let tableBytes = ((try? FileManager.default.attributesOfItem(atPath: PseudonymVault.path(in: directory)))?[
                .size] as? Int) ?? 0
            func line(_ name: String, _ seconds: Double) -> String {
                "\(name)  \(String(format: "%.3f", seconds * 1e6 / Double(events))) µs/event CPU, "
                    + "\(String(format: "%.0f", Double(events) / seconds)) events/s on one core"
            }
            print(
                """
                events           \(events) per pass, \(subjects) subjects, \(addresses) addresses, batches of \(batch)
                \(line("cold (new keys)", cold))
                \(line("warm (in memory)", warm))
                \(line("reopened (disk) ", reopened))
                key table        \(keys) keys, \(tableBytes) bytes (\(keys > 0 ? tableBytes / Int(keys) : 0) bytes/key)
                {"benchmark":"pseudonyms","events":\(events),"subjects":\(subjects),"addresses":\(addresses),\
                "cold_us":\(String(format: "%.3f", cold * 1e6 / Double(events))),\
                "warm_us":\(String(format: "%.3f", warm * 1e6 / Double(events))),\
                "reopened_us":\(String(format: "%.3f", reopened * 1e6 / Double(events))),"keys":\(keys)}
                """)
        }

        /// CPU seconds (user + system) to pseudonymise copies of `template` in batches.
        /// The time to copy the batches is measured apart and subtracted.
        private func pass(_ pseudonymiser: Pseudonymiser?, _ template: [AuditEvent]) throws -> Double {
            let started = Self.cpuSeconds()
            var start = 0
            var sink = 0
            while start < template.count {
                var slice = Array(template[start..<min(start + batch, template.count)])
                try pseudonymiser?.pseudonymise(&slice)
                sink &+= slice[0].subject?.utf8.count ?? 0
                start += batch
            }
            let seconds = Self.cpuSeconds() - started
            precondition(sink >= 0)
            return pseudonymiser == nil ? seconds : max(0, seconds - (try pass(nil, template)))
        }

        private static func cpuSeconds() -> Double {
            var usage = rusage()
            getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
            return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
                + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
        }
    }
}
