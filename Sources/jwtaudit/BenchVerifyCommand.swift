import ArgumentParser
import Foundation
import JWTAuditStore

extension BenchCommand {
    /// `jwtaudit bench verify`.
    struct Verify: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "verify",
            abstract: "Time `jwtaudit verify` on a data folder (for example one kept by `bench ingest --keep`).",
            discussion: """
                Runs the whole verification (chain walk over every block, every checkpoint) --runs \
                times and prints the fastest and slowest run and events checked per second. The first \
                run may read from disk; later ones usually from the page cache. Build with `-c release`.
                """
        )

        @Option(help: "Data folder.")
        var data: String

        @Option(help: "The external checkpoint file (default: the one beside the data folder, if there).")
        var checkpoints: String?

        @Option(help: "How many times to verify.")
        var runs = 3

        func validate() throws {
            guard runs >= 1 else { throw ValidationError("--runs must be at least 1") }
        }

        func run() throws {
            var verifier = StoreVerifier(directory: DataDirectory(root: data))
            let beside = CheckpointFile.defaultPath(besideDataFolder: data)
            verifier.checkpointFile = checkpoints ?? (FileManager.default.fileExists(atPath: beside) ? beside : nil)
            var seconds: [Double] = []
            var report = VerificationReport()
            for _ in 0..<runs {
                let started = Date()
                report = try verifier.verify()
                seconds.append(Date().timeIntervalSince(started))
            }
            let fastest = seconds.min()!
            let slowest = seconds.max()!
            print(
                """
                verified         \(report.blocks) blocks, \(report.events) events, \(report.storeCheckpoints) + \
                \(report.fileCheckpoints ?? 0) checkpoints: \(report.isIntact ? "intact" : "FAILED")
                runs             \(runs): fastest \(String(format: "%.3f", fastest)) s, slowest \
                \(String(format: "%.3f", slowest)) s
                events/s         \(String(format: "%.0f", Double(report.events) / fastest)) (fastest run)
                {"benchmark":"verify","blocks":\(report.blocks),"events":\(report.events),"runs":\(runs),\
                "fastest_seconds":\(String(format: "%.3f", fastest)),"slowest_seconds":\(String(format: "%.3f", slowest)),\
                "intact":\(report.isIntact)}
                """)
            if !report.isIntact { throw ExitCode(1) }
        }
    }
}
