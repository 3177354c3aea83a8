import Foundation
import JWTAuditDetection
import JWTAuditModel
import JWTAuditStore

extension ReportBuilder {
    /// Events per service per day from the rollups, every gap (a day, or a service on a day, without
    /// events), logging-failure alerts and lines refused at ingest.
    func coverage() throws -> ReportSection {
        let rows = try rollups().rows
        struct Counts { var events: Int64 = 0, accepted: Int64 = 0, rejected: Int64 = 0 }
        var byDayService: [Int64: [String: Counts]] = [:]
        var services: Set<String> = []
        for row in rows {
            services.insert(row.service)
            var counts = byDayService[row.day.daysSinceEpoch, default: [:]][row.service, default: Counts()]
            counts.events += row.events
            if row.outcome == .accepted { counts.accepted += row.events }
            if row.outcome == .rejected { counts.rejected += row.events }
            byDayService[row.day.daysSinceEpoch, default: [:]][row.service] = counts
        }
        let days = request.period.days
        let serviceList = services.sorted()
        var dayRows: [[ReportValue]] = []
        var serviceRows: [[ReportValue]] = []
        var gapRows: [[ReportValue]] = []
        var total: Int64 = 0
        for day in days {
            let perService = byDayService[day] ?? [:]
            let sum = perService.values.reduce(Counts()) {
                Counts(events: $0.events + $1.events, accepted: $0.accepted + $1.accepted, rejected: $0.rejected + $1.rejected)
            }
            total += sum.events
            dayRows.append([
                .text(Self.dayName(day)), .integer(sum.events), .integer(sum.accepted), .integer(sum.rejected),
                .integer(Int64(perService.count)),
            ])
            for service in serviceList {
                if let counts = perService[service] {
                    serviceRows.append([
                        .text(Self.dayName(day)), .text(service), .integer(counts.events), .integer(counts.accepted),
                        .integer(counts.rejected),
                    ])
                }
            }
            if perService.isEmpty {
                gapRows.append([.text(Self.dayName(day)), .null, .text("no event stored from any service")])
            } else {
                for service in serviceList where perService[service] == nil {
                    gapRows.append([.text(Self.dayName(day)), .text(service), .text("no event stored from this service")])
                }
            }
        }
        let loggingAlerts = (try alertReadings()?.raised ?? []).filter {
            $0.rule == BuiltInRule.loggingGap.rawValue || $0.rule == BuiltInRule.eventLoss.rawValue
        }
        let refused = try refusedLines()

        var summary: [String] = []
        if total == 0 {
            summary.append("No event is stored for the period: every day of it is a gap.")
        } else {
            summary.append(
                "\(Self.plural(total, "event")) from \(Self.plural(serviceList.count, "service")) over "
                    + "\(Self.plural(days.count, "day")) (\(Self.dayName(days.first!)) to \(Self.dayName(days.last!))).")
        }
        if gapRows.isEmpty {
            summary.append("No gap: every service that reported in the period reported on every day of it.")
        } else {
            summary.append(
                "\(Self.plural(gapRows.count, "gap")) found: a day, or a service on a day, without events is a "
                    + "logging failure (table coverage_gaps).")
        }
        if alertReadingsAvailable {
            summary.append(
                "\(Self.plural(loggingAlerts.count, "alert")) of the logging_gap and event_loss rules were raised "
                    + "for events in the period.")
        } else {
            summary.append("No alert store in this data folder: logging_gap and event_loss alerts cannot be shown.")
        }
        if let refused {
            let lines = refused.reduce(0) { $0 + $1.lines }
            summary.append(
                "\(Self.plural(lines, "line")) received in the period were refused at ingest and quarantined "
                    + "(the quarantine keeps the newest 10,000 lines).")
        }
        var tables = [
            ReportTable(
                id: "coverage_by_day", title: "Events per day",
                columns: [
                    ReportColumn("day", .text), ReportColumn("events", .integer), ReportColumn("accepted", .integer),
                    ReportColumn("rejected", .integer), ReportColumn("services_reporting", .integer),
                ],
                rows: dayRows, chart: .bars),
            ReportTable(
                id: "coverage_by_service_day", title: "Events per service per day",
                columns: [
                    ReportColumn("day", .text), ReportColumn("service", .text), ReportColumn("events", .integer),
                    ReportColumn("accepted", .integer), ReportColumn("rejected", .integer),
                ],
                rows: serviceRows),
            ReportTable(
                id: "coverage_gaps", title: "Gaps: days and services without events",
                columns: [ReportColumn("day", .text), ReportColumn("service", .text), ReportColumn("finding", .text)],
                rows: gapRows),
            ReportTable(
                id: "logging_alerts", title: "Logging-failure alerts (logging_gap, event_loss)",
                columns: Self.alertColumns, rows: loggingAlerts.map(Self.alertRow)),
        ]
        if let refused {
            tables.append(
                ReportTable(
                    id: "refused_lines", title: "Lines refused at ingest, by code",
                    columns: [ReportColumn("code", .text), ReportColumn("lines", .integer)],
                    rows: refused.map { [.text($0.code), .integer($0.lines)] }))
        }
        return ReportSection(
            id: ReportEvidenceKind.coverage.rawValue, title: "Event coverage and logging failures", requirements: [],
            status: total == 0 ? .noEvidence : .evidence, summary: summary, tables: tables)
    }

    var alertReadingsAvailable: Bool { ((try? alertReadings()) ?? nil) != nil }

    /// Lines refused at ingest in the period by wire code, from the quarantine; nil without one.
    func refusedLines() throws -> [(code: String, lines: Int64)]? {
        guard FileManager.default.fileExists(atPath: request.directory.metaPath) else { return nil }
        let connection = try SQLiteConnection(path: request.directory.metaPath, readOnly: true)
        guard try connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'quarantine'") == 1 else {
            return nil
        }
        let statement = try connection.prepare(
            """
            SELECT code, count(*) FROM quarantine WHERE received_at >= ? AND received_at < ?
            GROUP BY code ORDER BY count(*) DESC, code
            """)
        statement.bind(1, request.period.from)
        statement.bind(2, request.period.to)
        var rows: [(code: String, lines: Int64)] = []
        while try statement.step() { rows.append((statement.text(0) ?? "", statement.int64(1))) }
        return rows
    }

    static let alertColumns = [
        ReportColumn("id", .integer), ReportColumn("rule", .text), ReportColumn("severity", .text),
        ReportColumn("status", .text), ReportColumn("first_seen", .time), ReportColumn("last_seen", .time),
        ReportColumn("events", .integer), ReportColumn("created_at", .time), ReportColumn("first_triage_at", .time),
        ReportColumn("time_to_triage_s", .integer), ReportColumn("triaged_by", .text), ReportColumn("key", .text),
        ReportColumn("summary", .text),
    ]

    static func alertRow(_ alert: AlertStore.Triage) -> [ReportValue] {
        [
            .integer(alert.id), .text(alert.rule), .text(alert.severity.name), .text(alert.status.name),
            .time(alert.firstSeen), .time(alert.lastSeen), .integer(alert.count), .time(alert.createdAt),
            alert.firstTriageAt.map(ReportValue.time) ?? .null,
            alert.firstTriageAt.map { .integer(max(0, $0 - alert.createdAt) / 1_000_000) } ?? .null,
            alert.firstTriageBy.map(ReportValue.text) ?? .null, .text(alert.keyText), .text(alert.summary),
        ]
    }
}
