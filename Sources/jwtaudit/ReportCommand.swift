import ArgumentParser
import Foundation
import JWTAuditReports
import JWTAuditStore

/// `jwtaudit report`: a signed compliance report for a period (docs/reports.md).
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Export a signed compliance report (evidence per requirement) for a period.",
        discussion: """
            Computes the evidence from the store's rollups and summaries, signs it with the store's \
            checkpoint key (give auditors `jwtaudit keys export`), writes it, and records the export in \
            meta.sqlite (it appears in later reports). The period is widened to whole UTC hours. \
            Check a report with `jwtaudit verify-report`.
            """)

    @Option(help: "Data folder.")
    var data: String = "./jwtaudit-data"

    @Option(help: "pci-dss, hipaa, sox, soc2 or gdpr.")
    var framework: String

    @Option(help: "Start of the period: RFC 3339 or a duration back from now (30d).")
    var from: String

    @Option(help: "End of the period (exclusive; default now): RFC 3339 or a duration back from now.")
    var to: String?

    @Option(help: "json, csv (a folder: one file per table and a signed manifest) or html.")
    var format: String = "json"

    @Option(help: "Output file (a folder for csv); default standard output (json, html).")
    var out: String?

    @Option(help: "Also write an auditor's bundle into this folder: the report, its events, checkpoints, keys.")
    var bundle: String?

    @Option(help: "Retention policy to judge against (default ./retention.json when it exists).")
    var policy: String?

    @Option(help: "External checkpoint file (default: the one beside the data folder, if there).")
    var checkpoints: String?

    @Option(help: "Who exports the report, as recorded (default: the user running the command).")
    var by: String?

    func validate() throws {
        guard ReportFramework(rawValue: framework) != nil else {
            let names = ReportFramework.allCases.map(\.rawValue).joined(separator: ", ")
            throw ValidationError("--framework must be one of: \(names)")
        }
        guard let format = ReportFormat(rawValue: format) else {
            throw ValidationError("--format must be json, csv or html")
        }
        if format == .csv && out == nil { throw ValidationError("--format csv writes a folder: give --out DIR") }
    }

    func run() throws {
        let now = currentMicros()
        func time(_ text: String, _ name: String) throws -> Int64 {
            guard let value = TimeBound.parse(text, now: now) else {
                throw ValidationError("--\(name): expected RFC 3339 (2026-11-01T00:00:00Z) or a duration (30d)")
            }
            return value
        }
        let end = try to.map { try time($0, "to") } ?? now
        guard let period = ReportPeriod(covering: try time(from, "from"), end) else {
            throw ValidationError("--from must be before --to")
        }
        let directory = DataDirectory(root: data)
        var request = ReportRequest(
            directory: directory, framework: ReportFramework(rawValue: framework)!, period: period,
            generatedBy: by ?? currentUserName(), now: now)
        let beside = CheckpointFile.defaultPath(besideDataFolder: data)
        request.checkpointFile = checkpoints ?? (FileManager.default.fileExists(atPath: beside) ? beside : nil)
        do {
            let defaultPolicy = FileManager.default.fileExists(atPath: "retention.json") ? "retention.json" : nil
            if let path = policy ?? defaultPolicy {
                try request.loadPolicy(path)
            }
            guard FileManager.default.fileExists(atPath: directory.partitionsPath) else {
                throw ReportError("\(data) is not a jwtaudit data folder (no partitions)")
            }
            let key = try CheckpointKeys.current(in: directory)
            let export = try ReportExport.generate(
                request, format: ReportFormat(rawValue: format)!, key: key, via: "cli")
            if let out {
                try export.write(to: out)
            } else {
                FileHandle.standardOutput.write(Data(export.file))
            }
            if let bundle { try ReportBundle.write(export, request: request, key: key, to: bundle) }
            let summary =
                "signed \(framework) report (\(format)) for \(period.description): digest \(export.signature.digest), "
                + "key \(export.signature.keyID); recorded as export \(export.exportID)"
                + (bundle.map { "; bundle in \($0)" } ?? "") + "\n"
            FileHandle.standardError.write(Data(summary.utf8))
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("jwtaudit report: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }
}

/// The name of the user running the command (`$USER`, else the password entry, else the uid).
func currentUserName() -> String {
    if let user = ProcessInfo.processInfo.environment["USER"], !user.isEmpty { return user }
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return "uid \(getuid())"
}
