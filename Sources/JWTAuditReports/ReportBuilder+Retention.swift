import JWTAuditModel
import JWTAuditRetention
import JWTAuditStore

extension ReportBuilder {
    /// A framework's retention minimum for one setting (docs/retention.md, "Framework minimums").
    struct Minimum {
        var setting: String
        var days: Int
        /// Whether falling short breaks the framework (else it is a recommendation).
        var required: Bool
        var basis: String
    }

    var minimums: [Minimum] {
        switch request.framework {
        case .pciDSS:
            [
                Minimum(setting: "events keep_days", days: 365, required: true, basis: "10.5.1: 12 months"),
                Minimum(setting: "events online_days", days: 90, required: true, basis: "10.5.1: 3 months online"),
                Minimum(setting: "alerts keep_days", days: 365, required: true, basis: "10.5.1"),
                Minimum(setting: "report_exports keep_days", days: 365, required: true, basis: "10.2.1.3, 10.5.1"),
            ]
        case .hipaa:
            [
                Minimum(setting: "report_exports keep_days", days: 2190, required: true, basis: "164.316(b)(2): 6 years"),
                Minimum(setting: "events keep_days", days: 2190, required: false, basis: "recommended (164.316(b)(2))"),
                Minimum(setting: "alerts keep_days", days: 2190, required: false, basis: "recommended (164.308(a)(6))"),
            ]
        case .sox:
            [
                Minimum(setting: "events keep_days", days: 2555, required: true, basis: "section 802: 7 years"),
                Minimum(setting: "report_exports keep_days", days: 2555, required: true, basis: "section 802: 7 years"),
            ]
        case .soc2:
            [
                Minimum(setting: "events keep_days", days: 365, required: false, basis: "Type II period"),
                Minimum(setting: "alerts keep_days", days: 365, required: false, basis: "Type II period"),
                Minimum(setting: "report_exports keep_days", days: 365, required: false, basis: "Type II period"),
            ]
        case .gdpr: []
        }
    }

    /// The policy against the framework's minimums, the data actually stored, deletions and holds.
    func retention() throws -> ReportSection {
        let inventory = try PartitionInventory.read(request.directory)
        let ledger = try RetentionLedger(directory: request.directory, readOnly: true)
        let tombstones = try ledger.tombstones()
        let runs = try ledger.runs().filter { $0.startedAt >= request.period.from && $0.startedAt < request.period.to }
        var summary: [String] = []
        var tables: [ReportTable] = []

        let keepFloor = minimums.first { $0.setting == "events keep_days" }?.days
        if let policy = request.policy {
            let periods = policy.policies.map(\.period) + [policy.defaultPeriod]
            let values: [String: Int] = [
                "events keep_days": periods.map(\.keepDays).min() ?? policy.defaultPeriod.keepDays,
                "events online_days": periods.map(\.onlineDays).min() ?? policy.defaultPeriod.onlineDays,
                "alerts keep_days": policy.alertKeepDays,
                "report_exports keep_days": policy.reportExportKeepDays,
            ]
            var rows: [[ReportValue]] = []
            var shortfalls: [String] = []
            for setting in ["events keep_days", "events online_days", "alerts keep_days", "report_exports keep_days"] {
                let value = values[setting]!
                let minimum = minimums.first { $0.setting == setting }
                let meets = minimum.map { value >= $0.days }
                if let minimum, meets == false {
                    shortfalls.append("\(setting) \(value) < \(minimum.days)\(minimum.required ? "" : " (recommended)")")
                }
                rows.append([
                    .text(setting), .integer(Int64(value)), minimum.map { .integer(Int64($0.days)) } ?? .null,
                    minimum.map { .text($0.required ? "required: \($0.basis)" : $0.basis) } ?? .null,
                    meets.map { .text($0 ? "yes" : "no") } ?? .null,
                ])
            }
            tables.append(
                ReportTable(
                    id: "retention_policy", title: "Policy (shortest period per setting) against the framework",
                    columns: [
                        ReportColumn("setting", .text), ReportColumn("policy_days", .integer),
                        ReportColumn("minimum_days", .integer), ReportColumn("basis", .text), ReportColumn("meets", .text),
                    ],
                    rows: rows))
            if request.framework == .gdpr {
                let longest = periods.map(\.keepDays).max() ?? 0
                let clear = !policy.pseudonymisation.covers("sub")
                summary.append(
                    "The policy keeps events at most \(longest) days"
                        + (longest > 730 && clear
                            ? " with sub in clear: over 2 years, storage limitation asks to justify it or pseudonymise."
                            : "."))
            } else if shortfalls.isEmpty {
                summary.append("The policy \(policy.file) meets every \(request.framework.displayName) minimum.")
            } else {
                summary.append("The policy falls short: " + shortfalls.joined(separator: "; ") + ".")
            }
            let holdRows = policy.legalHolds.map { hold -> [ReportValue] in
                [
                    .text(hold.id), .text(hold.reason), hold.service.map(ReportValue.text) ?? .null,
                    hold.sub.map(ReportValue.text) ?? .null,
                    hold.from.map { .time(Int64($0 * 1_000_000)) } ?? .null,
                    hold.to.map { .time(Int64($0 * 1_000_000)) } ?? .null,
                ]
            }
            tables.append(
                ReportTable(
                    id: "legal_holds", title: "Legal holds in the policy",
                    columns: [
                        ReportColumn("id", .text), ReportColumn("reason", .text), ReportColumn("service", .text),
                        ReportColumn("sub", .text), ReportColumn("from", .time), ReportColumn("to", .time),
                    ],
                    rows: holdRows))
            summary.append(
                policy.legalHolds.isEmpty
                    ? "No legal hold is in force."
                    : "\(Self.plural(policy.legalHolds.count, "legal hold")) in force (table legal_holds).")
        } else {
            summary.append(
                "No retention policy was given (--policy): the stored data is shown, but not judged against a policy.")
        }

        let day: Int64 = 86_400_000_000
        var stored: [(String, String?)] = [
            ("oldest stored event", inventory.oldestEvent.map(Timestamp.format)),
            ("its age in days", inventory.oldestEvent.map { "\((request.now - $0) / day)" }),
            ("newest stored event", inventory.newestEvent.map(Timestamp.format)),
            ("oldest online event", inventory.oldestOnlineEvent.map(Timestamp.format)),
            ("days stored (either tier)", "\(inventory.days)"),
            ("days in the archive tier", "\(inventory.entries.filter(\.archived).count)"),
            ("events stored", "\(inventory.events)"),
            ("blocks deleted by retention", "\(tombstones.count)"),
            ("events deleted by retention", "\(tombstones.reduce(0) { $0 + $1.header.eventCount })"),
        ]
        let youngest = tombstones.map { $0.deletedAt - $0.header.maxTimestamp }.min()
        stored.append(("youngest data at deletion, days", youngest.map { "\($0 / day)" }))
        if let oldest = inventory.oldestEvent {
            summary.append(
                "Stored events reach back to \(Timestamp.format(oldest)) (\((request.now - oldest) / day) days); all "
                    + "of them are online.")
        } else {
            summary.append("No event is stored.")
        }
        if let youngest, let keepFloor {
            summary.append(
                youngest / day >= Int64(keepFloor)
                    ? "Every block deleted by retention held only events at least \(keepFloor) days old."
                    : "A block was deleted while holding events \(youngest / day) days old, under the "
                        + "\(keepFloor)-day minimum.")
        } else if tombstones.isEmpty {
            summary.append("Retention has deleted nothing.")
        }
        tables.append(Self.keyValueTable("stored_data", "Data stored and deleted", stored))
        tables.append(
            ReportTable(
                id: "retention_runs", title: "Retention runs in the period",
                columns: [
                    ReportColumn("id", .integer), ReportColumn("started_at", .time), ReportColumn("finished_at", .time),
                    ReportColumn("blocks_deleted", .integer), ReportColumn("events_deleted", .integer),
                    ReportColumn("partitions_dropped", .integer), ReportColumn("holds_applied", .text),
                ],
                rows: runs.map { run in
                    [
                        .integer(run.id), .time(run.startedAt), run.finishedAt.map(ReportValue.time) ?? .null,
                        .integer(run.blocksDeleted), .integer(run.eventsDeleted), .integer(run.partitionsDropped),
                        .text(run.holdsApplied.joined(separator: ", ")),
                    ]
                }))
        summary.append("\(Self.plural(runs.count, "retention run")) in the period.")
        return ReportSection(
            id: ReportEvidenceKind.retention.rawValue, title: "Retention", requirements: [],
            status: request.policy == nil && inventory.entries.isEmpty ? .noEvidence : .evidence, summary: summary,
            tables: tables)
    }
}
