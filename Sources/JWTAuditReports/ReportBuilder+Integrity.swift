import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore

extension ReportBuilder {
    /// The result of `jwtaudit verify` on the store now, and the checkpoints of the period.
    func integrity() throws -> ReportSection {
        var verifier = StoreVerifier(directory: request.directory)
        verifier.checkpointFile = request.checkpointFile
        // On a live store a block sealed while the partitions are read can look missing at the
        // newest end: read again (docs/integrity.md).
        var result = try verifier.verify()
        for _ in 0..<2 {
            guard let failure = result.failure, failure.kind == .missing,
                let sequence = failure.sequence, sequence > result.blocks - 2
            else { break }
            result = try verifier.verify()
        }
        let checkpoints = try CheckpointStore(directory: request.directory, readOnly: true).all()
            .sorted { $0.treeSize < $1.treeSize }
        let inPeriod = checkpoints.filter { $0.time >= request.period.from && $0.time < request.period.to }

        var rows: [(String, String?)] = [
            ("result", result.isIntact ? "intact" : "FAILED"),
            ("failure", result.failure.map { "\($0)" }),
            ("chained blocks", "\(result.blocks)"),
            ("events in stored blocks", "\(result.events)"),
            ("partitions", "\(result.partitions.count)"),
            ("blocks deleted by retention (tombstones)", "\(result.tombstones)"),
            ("events in deleted blocks", "\(result.tombstonedEvents)"),
            ("unsealed events (chained once sealed)", "\(result.unsealedEvents)"),
            ("checkpoints in the store", "\(result.storeCheckpoints)"),
            ("checkpoints in the external file", result.fileCheckpoints.map { "\($0)" }),
            ("external checkpoint file", request.checkpointFile),
            ("checkpoint tree sizes", result.checkpointRange.map { "\($0.lowerBound)…\($0.upperBound)" }),
            ("newest checkpoint", result.latestCheckpointTime.map(Timestamp.format)),
            ("blocks not yet under a checkpoint", "\(max(0, result.uncoveredBlocks))"),
            ("signing keys checked", result.keyIDs.isEmpty ? nil : result.keyIDs.joined(separator: ", ")),
        ]
        rows.append(("verified at", Timestamp.format(request.now)))
        var summary: [String] = []
        if let failure = result.failure {
            summary.append("Verification FAILED: \(failure).")
        } else {
            summary.append(
                "Verification passed: \(Self.plural(result.blocks, "chained block")) (\(result.events) stored events) "
                    + "walk from sequence 1 to the head, and every checkpoint's signature, root and head agree.")
        }
        if let range = result.checkpointRange {
            summary.append(
                "Checkpoints sign tree sizes \(range.lowerBound) to \(range.upperBound); "
                    + "\(Self.plural(inPeriod.count, "checkpoint")) were signed in the period.")
        } else {
            summary.append("No checkpoint is signed yet: the chain is not under any signature.")
        }
        if request.checkpointFile == nil {
            summary.append(
                "No external checkpoint file was checked: a cut-off tail or a recomputed chain cannot be seen "
                    + "without it (docs/integrity.md).")
        }
        if result.tombstones > 0 {
            summary.append(
                "\(Self.plural(result.tombstones, "block")) deleted by retention stand in the chain as tombstones.")
        }
        var marks: [(String, Checkpoint)] = []
        if let first = inPeriod.first { marks.append(("first in the period", first)) }
        if let last = inPeriod.last, inPeriod.count > 1 { marks.append(("last in the period", last)) }
        if let newest = checkpoints.last { marks.append(("newest", newest)) }
        let checkpointRows = marks.map { mark, checkpoint -> [ReportValue] in
            [
                .text(mark), .integer(checkpoint.treeSize), .time(checkpoint.time), .text(checkpoint.keyID),
                .text(Hex.encode(checkpoint.root)), .text(Hex.encode(checkpoint.head)),
            ]
        }
        return ReportSection(
            id: ReportEvidenceKind.integrity.rawValue, title: "Protection and integrity of the log", requirements: [],
            status: .evidence, summary: summary,
            tables: [
                Self.keyValueTable("integrity_verification", "Verification of the whole store (jwtaudit verify)", rows),
                ReportTable(
                    id: "checkpoints", title: "Signed checkpoints",
                    columns: [
                        ReportColumn("which", .text), ReportColumn("tree_size", .integer), ReportColumn("time", .time),
                        ReportColumn("key_id", .text), ReportColumn("root", .text), ReportColumn("head", .text),
                    ],
                    rows: checkpointRows),
            ])
    }
}
