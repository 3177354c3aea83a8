import ArgumentParser
import Foundation
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore

/// `jwtaudit verify`: checks the hash chain and the signed checkpoints of a data folder, offline.
struct VerifyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Check that the stored log was not altered, cut short or reordered (works offline on a copy).",
        discussion: """
            Walks the hash chain over every sealed block, then checks every signed checkpoint (from \
            the store and from the external checkpoint file) against it. Exit 0 with a summary when \
            intact; exit 1 naming the first bad block and the kind of damage: altered, missing, \
            reordered, truncated tail, bad signature, chain recomputed without the key. Exit 2 when \
            the check cannot run. See docs/integrity.md.
            """)

    @Option(help: "Data folder (or a copy of it).")
    var data: String = "./jwtaudit-data"

    @Option(
        help: "The external checkpoint file (default: jwtaudit-checkpoints.ndjson beside the data folder, if there).")
    var checkpoints: String?

    @Option(
        help: "Public keys you trust (PEM or base64, as `keys export` prints them); default: the keys in the store.")
    var key: String?

    func run() throws {
        let started = Date()
        var verifier = StoreVerifier(directory: DataDirectory(root: data))
        var notes: [String] = []
        do {
            if let checkpoints {
                verifier.checkpointFile = checkpoints
            } else {
                let path = CheckpointFile.defaultPath(besideDataFolder: data)
                if FileManager.default.fileExists(atPath: path) {
                    verifier.checkpointFile = path
                } else {
                    notes.append(
                        "no external checkpoint file: newest blocks cut off, or every hash recomputed by the "
                            + "store's owner, cannot be seen without one (--checkpoints)")
                }
            }
            if let key {
                guard let text = try? String(contentsOfFile: key, encoding: .utf8) else {
                    throw ValidationError("--key \(key): cannot read the file")
                }
                verifier.trustedKeys = try Ed25519PublicKey.keys(in: text)
                if verifier.trustedKeys!.isEmpty { throw ValidationError("--key \(key): no public key in the file") }
            }
            let report = try verifier.verify()
            let seconds = Date().timeIntervalSince(started)
            if let failure = report.failure {
                print("FAILED: \(failure)")
                throw ExitCode(1)
            }
            print(summary(report, checkpointFile: verifier.checkpointFile, seconds: seconds, notes: notes))
        } catch let error as ExitCode {
            throw error
        } catch let error as ValidationError {
            throw error
        } catch {
            FileHandle.standardError.write(Data("jwtaudit verify: \(error)\n".utf8))
            throw ExitCode(2)
        }
    }

    private func summary(_ report: VerificationReport, checkpointFile: String?, seconds: Double, notes: [String])
        -> String
    {
        var lines: [String] = []
        var days = ""
        if let first = report.partitions.first, let last = report.partitions.last {
            days = " in \(count(report.partitions.count, "partition")) (\(first.name) … \(last.name))"
        }
        lines.append(
            "intact: \(count(report.blocks, "block")), \(count(report.events, "event"))\(days); checked in "
                + String(format: "%.2f s", seconds))
        if report.archivedBlocks > 0, let first = report.archiveDays.first, let last = report.archiveDays.last {
            lines.append(
                "archive tier: \(count(report.archivedBlocks, "block")), \(count(report.archivedEvents, "event")) in "
                    + "\(count(report.archiveDays.count, "file")) (\(first.name) … \(last.name)); stored bytes "
                    + "match their retention runs' records")
        }
        if report.runRecords > 0 {
            lines.append("retention runs recorded in the chain: \(report.runRecords)")
        }
        if report.tombstones > 0, let newest = report.newestTombstonedEvent {
            lines.append(
                "\(count(report.tombstones, "block")) deleted by retention (tombstones), "
                    + "\(count(report.tombstonedEvents, "event")), newest event \(Timestamp.format(newest))")
        }
        var sources = ["\(report.storeCheckpoints) in the store"]
        if let file = report.fileCheckpoints, let checkpointFile { sources.append("\(file) in \(checkpointFile)") }
        if let range = report.checkpointRange, let time = report.latestCheckpointTime {
            lines.append(
                "checkpoints: \(sources.joined(separator: ", ")); "
                    + "tree sizes \(range.lowerBound)…\(range.upperBound); newest signed \(Timestamp.format(time))")
        } else {
            lines.append("checkpoints: none")
        }
        if !report.keyIDs.isEmpty {
            lines.append(
                "keys: \(report.keyIDs.joined(separator: ", ")) "
                    + (report.keysFromStore
                        ? "(read from the store itself; pass --key to check against keys you hold)"
                        : "(given with --key)"))
        }
        if report.uncoveredBlocks > 0 {
            let first = report.blocks - report.uncoveredBlocks + 1
            lines.append("not yet signed: blocks \(first)…\(report.blocks) (the next checkpoint covers them)")
        }
        if report.unsealedEvents > 0 {
            lines.append("unsealed: \(count(report.unsealedEvents, "event")) (chained once sealed)")
        }
        lines += notes.map { "note: " + $0 }
        return lines.joined(separator: "\n")
    }

    /// `1 block`, `6 blocks`.
    private func count<Number: BinaryInteger>(_ number: Number, _ noun: String) -> String {
        "\(number) \(noun)\(number == 1 ? "" : "s")"
    }
}
