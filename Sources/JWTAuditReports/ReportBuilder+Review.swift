import JWTAuditDetection
import JWTAuditModel
import JWTAuditStore

extension ReportBuilder {
    /// Alerts raised for events of the period, how fast they were triaged, alerts open for more than
    /// a day now, and the review actions of each day.
    func review() throws -> ReportSection {
        guard let readings = try alertReadings() else {
            return ReportSection(
                id: ReportEvidenceKind.review.rawValue, title: "Daily and automated review", requirements: [],
                status: .unavailable,
                summary: [
                    "This data folder has no alert store: detection has never run on it, so there is no automated "
                        + "review and no triage to show."
                ],
                tables: [])
        }
        let raised = readings.raised
        struct RuleCounts {
            var raised: Int64 = 0, triaged: Int64 = 0, open: Int64 = 0
            var times: [Int64] = []
        }
        var byRule: [String: [Severity: RuleCounts]] = [:]
        for alert in raised {
            var counts = byRule[alert.rule, default: [:]][alert.severity, default: RuleCounts()]
            counts.raised += 1
            if alert.status == .open { counts.open += 1 }
            if let at = alert.firstTriageAt {
                counts.triaged += 1
                counts.times.append(max(0, at - alert.createdAt))
            }
            byRule[alert.rule, default: [:]][alert.severity] = counts
        }
        var ruleRows: [[ReportValue]] = []
        for rule in byRule.keys.sorted() {
            for (severity, counts) in byRule[rule]!.sorted(by: { $0.key > $1.key }) {
                let times = counts.times.sorted()
                ruleRows.append([
                    .text(rule), .text(severity.name), .integer(counts.raised), .integer(counts.triaged),
                    .integer(counts.open), times.isEmpty ? .null : .integer(Self.median(times) / 1_000_000),
                    times.last.map { .integer($0 / 1_000_000) } ?? .null,
                ])
            }
        }
        let cutoff = request.now - 86_400_000_000
        let stale = readings.open.filter { $0.createdAt <= cutoff }
        let staleRows = stale.map { alert -> [ReportValue] in
            [
                .integer(alert.id), .text(alert.rule), .text(alert.severity.name), .time(alert.createdAt),
                .integer((request.now - alert.createdAt) / 3_600_000_000), .text(alert.keyText), .text(alert.summary),
            ]
        }
        var actionsByDay: [Int64: (actions: Int64, reviewers: Set<String>)] = [:]
        for action in readings.actions {
            let day = PartitionDay(containing: action.at).daysSinceEpoch
            actionsByDay[day, default: (0, [])].actions += 1
            actionsByDay[day, default: (0, [])].reviewers.insert(action.who)
        }
        var raisedByDay: [Int64: Int64] = [:]
        for alert in raised { raisedByDay[PartitionDay(containing: alert.firstSeen).daysSinceEpoch, default: 0] += 1 }
        let days = request.period.days.filter { PartitionDay(daysSinceEpoch: $0).start < request.now }
        let dayRows = days.map { day -> [ReportValue] in
            let actions = actionsByDay[day]
            return [
                .text(Self.dayName(day)), .integer(raisedByDay[day] ?? 0), .integer(actions?.actions ?? 0),
                actions.map { .text($0.reviewers.sorted().joined(separator: ", ")) } ?? .null,
            ]
        }
        let unreviewed = days.filter { actionsByDay[$0] == nil }

        var summary: [String] = []
        let triaged = raised.filter { $0.firstTriageAt != nil }
        if raised.isEmpty {
            summary.append("No alert was raised for events of the period.")
        } else {
            let times = triaged.map { max(0, $0.firstTriageAt! - $0.createdAt) }.sorted()
            var sentence =
                "\(Self.plural(raised.count, "alert")) raised by \(Self.plural(byRule.count, "rule")) for events of "
                + "the period (automated review by jwtaudit's detection rules); \(triaged.count) triaged"
            if let longest = times.last {
                sentence += ", median time to triage \(Self.duration(Self.median(times))), longest \(Self.duration(longest))"
            }
            summary.append(sentence + ".")
            let untriaged = raised.count - triaged.count
            if untriaged > 0 { summary.append("\(Self.plural(untriaged, "alert")) of the period were never triaged.") }
        }
        summary.append(
            stale.isEmpty
                ? "No alert is open for more than a day at the time of the report."
                : "\(Self.plural(stale.count, "alert")) open for more than a day at the time of the report "
                    + "(table open_alerts_over_a_day).")
        if unreviewed.isEmpty {
            summary.append("Someone reviewed alerts (status, assignee or note) on every day of the period.")
        } else {
            let shown = unreviewed.prefix(10).map(Self.dayName).joined(separator: ", ")
            summary.append(
                "No review action was recorded on \(Self.plural(unreviewed.count, "day")) of \(days.count): "
                    + shown + (unreviewed.count > 10 ? ", …" : "") + " (table daily_review).")
        }
        return ReportSection(
            id: ReportEvidenceKind.review.rawValue, title: "Daily and automated review", requirements: [],
            status: .evidence, summary: summary,
            tables: [
                ReportTable(
                    id: "alerts_by_rule", title: "Alerts by rule and severity",
                    columns: [
                        ReportColumn("rule", .text), ReportColumn("severity", .text), ReportColumn("raised", .integer),
                        ReportColumn("triaged", .integer), ReportColumn("open", .integer),
                        ReportColumn("median_time_to_triage_s", .integer), ReportColumn("max_time_to_triage_s", .integer),
                    ],
                    rows: ruleRows),
                ReportTable(id: "alerts", title: "Alerts raised for events of the period", columns: Self.alertColumns,
                    rows: raised.map(Self.alertRow)),
                ReportTable(
                    id: "open_alerts_over_a_day", title: "Alerts open for more than a day (now)",
                    columns: [
                        ReportColumn("id", .integer), ReportColumn("rule", .text), ReportColumn("severity", .text),
                        ReportColumn("created_at", .time), ReportColumn("age_hours", .integer), ReportColumn("key", .text),
                        ReportColumn("summary", .text),
                    ],
                    rows: staleRows),
                ReportTable(
                    id: "daily_review", title: "Review per day",
                    columns: [
                        ReportColumn("day", .text), ReportColumn("alerts_raised", .integer),
                        ReportColumn("review_actions", .integer), ReportColumn("reviewers", .text),
                    ],
                    rows: dayRows),
            ])
    }

    /// The lower median of sorted values.
    static func median(_ sorted: [Int64]) -> Int64 {
        sorted.isEmpty ? 0 : sorted[(sorted.count - 1) / 2]
    }
}
