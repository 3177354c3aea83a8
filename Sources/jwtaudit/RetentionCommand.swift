import ArgumentParser
import Foundation
import Glibc
import JWTAuditModel
import JWTAuditRetention
import JWTAuditStore

/// `jwtaudit retention`: work with the retention policy (`retention.json`).
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Check the retention policy, or run the retention job (see docs/retention.md).",
        subcommands: [Check.self, Run.self])

    /// `jwtaudit retention check FILE`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Report every problem in a retention policy file; exit 1 if any is an error.",
            discussion: """
                Each problem is printed as FILE:LINE: field PATH: message (warnings as \
                FILE:LINE: warning: field PATH: message). A policy below the minimum of a framework it \
                names is an error. Warnings alone exit 0.
                """)

        @Argument(help: "The policy file, such as retention.json.")
        var file: String

        func run() throws {
            let policy: RetentionPolicy
            do {
                policy = try RetentionPolicy.load(path: file)
            } catch {
                print(error.description)
                throw ExitCode(1)
            }
            let problems = policy.check()
            for problem in problems {
                print(problem.description)
            }
            if problems.contains(where: { $0.severity == .error }) {
                throw ExitCode(1)
            }
            let warnings = problems.count
            print(policy.summary + (warnings == 0 ? "" : warnings == 1 ? ", 1 warning" : ", \(warnings) warnings"))
        }
    }

    /// `jwtaudit retention run --data DIR [--policy FILE] [--dry-run]`.
    struct Run: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "run",
            abstract: "Move events past their online period to the archive tier; delete those past keep (unless held).",
            discussion: """
                Judged by event time. A closed day whose blocks are all past their online period moves to \
                the archive tier (separate files, still searchable and provable); a block is deleted, leaving a tombstone, \
                when its newest event is past the longest keep_days of every policy that could match it and \
                no legal hold could cover it. Every run is recorded in meta.sqlite and chained into the hash \
                chain. The daemon runs the job on the policy's schedule; by hand it refuses to run while a \
                daemon uses the data folder, except with --dry-run. Exit 1 if the policy has errors. See \
                docs/retention.md.
                """)

        @Option(help: "Data folder.")
        var data: String = "./jwtaudit-data"

        @Option(help: "The retention policy file.")
        var policy: String = "retention.json"

        @Flag(help: "Print what would be done; change nothing.")
        var dryRun = false

        func run() throws {
            let loaded: RetentionPolicy
            do {
                loaded = try RetentionPolicy.load(path: policy)
            } catch {
                print(error.description)
                throw ExitCode(1)
            }
            let errors = loaded.check().filter { $0.severity == .error }
            guard errors.isEmpty else {
                for problem in errors { print(problem.description) }
                throw ExitCode(1)
            }
            let directory = DataDirectory(root: data)
            var lock: Int32?
            if !dryRun {
                guard let taken = try PartitionPruner(directory: directory).tryLockDaemon() else {
                    throw ValidationError(
                        "a daemon is using \(data): it runs the job itself on the policy's schedule; "
                            + "stop it first to run the job by hand, or use --dry-run")
                }
                lock = taken
            }
            defer { if let lock { close(lock) } }
            let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
            let report = try RetentionJob(directory: directory, policy: loaded).run(now: now, dryRun: dryRun)
            print(report.lines.joined(separator: "\n"))
        }
    }
}

extension RetentionJob.Report {
    /// What `retention run` prints.
    var lines: [String] {
        let record = record
        let dry = dryRun ? "dry run: " : ""
        var lines: [String] = []
        let saved =
            archive.bytesBefore > 0 && archive.bytesAfter > 0
            ? String(format: " (%.0f%% smaller)", 100 * (1 - Double(archive.bytesAfter) / Double(archive.bytesBefore)))
            : ""
        lines.append(
            "\(dry)\(dryRun ? "would archive" : "archived") \(archive.blocks) blocks, \(archive.events) events; payload "
                + "\(archive.bytesBefore) bytes" + (dryRun ? "" : " -> \(archive.bytesAfter) bytes\(saved)"))
        lines.append(
            "\(dry)\(dryRun ? "would delete" : "deleted") \(record.blocksDeleted) blocks, \(record.eventsDeleted) events; "
                + "\(dryRun ? "would return" : "returned") \(record.bytesReturned) bytes")
        if !partitionsArchived.isEmpty {
            lines.append(
                "partitions \(dryRun ? "to move" : "moved") to the archive tier: "
                    + partitionsArchived.map(\.name).joined(separator: ", "))
        }
        if !partitionsDropped.isEmpty {
            lines.append(
                "partitions \(dryRun ? "to drop" : "dropped"): " + partitionsDropped.map(\.name).joined(separator: ", "))
        }
        if !partitionsPruned.isEmpty {
            lines.append(
                "partitions \(dryRun ? "to prune" : "pruned") in place (blocks deleted, file kept online): "
                    + partitionsPruned.map(\.name).joined(separator: ", "))
        }
        lines.append(
            "kept: \(blocksOnline) blocks online (\(record.blocksDueForArchive) past online_days in days not yet "
                + "closed or not wholly due), \(blocksInArchive) in the archive tier")
        if !daysDeferred.isEmpty {
            lines.append(
                "deferred to the next run (written to during this one): "
                    + daysDeferred.map(\.name).joined(separator: ", "))
        }
        lines.append(
            record.holdsApplied.isEmpty
                ? "legal holds applied: none"
                : "legal holds applied: \(record.holdsApplied.joined(separator: ", ")) (\(blocksHeld) blocks kept)")
        if !runsFinished.isEmpty {
            lines.append(
                "earlier runs that had stopped midway, now recorded in the chain: "
                    + runsFinished.map(String.init).joined(separator: ", "))
        }
        if !dryRun {
            lines.append(
                "recorded as retention run \(record.id) in meta.sqlite"
                    + (recordSequence.map { ", chained as block \($0)" } ?? ""))
        }
        return lines
    }
}
