import JWTAuditModel
import JWTAuditStore

extension ReportBuilder {
    /// Rows of the `rejections_by_source` table at most; the summary states what the rest holds.
    static let sourceRows = 100

    /// Rejected tokens by reason and service (rollups) and by client address (`rejection_sources`).
    func invalidAccess() throws -> ReportSection {
        var byReason: [String: Int64] = [:]
        var byServiceReason: [String: [String: Int64]] = [:]
        var total: Int64 = 0
        for row in try rollups().rows where row.outcome == .rejected {
            let reason = row.reason?.name ?? "none"
            byReason[reason, default: 0] += row.events
            byServiceReason[row.service, default: [:]][reason, default: 0] += row.events
            total += row.events
        }
        let sources = try RejectionSourceCounts.read(
            request.directory, from: request.period.from, to: request.period.to, limit: Self.sourceRows)
        let sourceTotal = sources.totalEvents
        let distinct = sources.distinctAddresses
        let shown = sources.rows
        let shownEvents = shown.reduce(0) { $0 + $1.events }

        var summary: [String] = []
        if total == 0 {
            summary.append("No token was rejected in the period.")
        } else {
            let reasons = byReason.sorted { ($0.value, $1.key) > ($1.value, $0.key) }
            summary.append(
                "\(Self.plural(total, "rejected token")) from \(Self.plural(byServiceReason.count, "service")), "
                    + "for \(Self.plural(byReason.count, "reason")); the most frequent: \(reasons[0].key) "
                    + "(\(reasons[0].value)).")
            summary.append(
                "\(Self.plural(distinct, "distinct source address", "distinct source addresses")) "
                    + "(an event without an address counts as one source, shown as null).")
            if sources.totalRows > shown.count {
                summary.append(
                    "Table rejections_by_source lists the \(shown.count) largest of \(sources.totalRows) "
                        + "(address, service, reason) rows, \(shownEvents) of \(sourceTotal) rejected events; the "
                        + "bundle's events.ndjson holds every event.")
            }
            if sourceTotal != total {
                summary.append(
                    "The source counts (\(sourceTotal)) differ from the rollup total (\(total)): the store holds "
                        + "rollups without their events or the reverse; run jwtaudit verify.")
            }
        }
        if !sources.computedFromBlocks.isEmpty {
            summary.append(
                "Source counts of \(Self.plural(sources.computedFromBlocks.count, "partition")) were computed from "
                    + "their blocks (written before the rejection_sources rollup; the daemon adds it when it next "
                    + "opens them).")
        }
        let reasonRows = byReason.sorted { ($0.value, $1.key) > ($1.value, $0.key) }.map {
            [ReportValue.text($0.key), .integer($0.value)]
        }
        var serviceRows: [[ReportValue]] = []
        for service in byServiceReason.keys.sorted() {
            for (reason, events) in byServiceReason[service]!.sorted(by: { ($0.value, $1.key) > ($1.value, $0.key) }) {
                serviceRows.append([.text(service), .text(reason), .integer(events)])
            }
        }
        let sourceRows = shown.map { row -> [ReportValue] in
            [
                row.clientIP.map(ReportValue.text) ?? .null, .text(row.service), .text(row.reason?.name ?? "none"),
                .integer(row.events),
            ]
        }
        return ReportSection(
            id: ReportEvidenceKind.invalidAccess.rawValue, title: "Invalid access attempts", requirements: [],
            status: total == 0 ? .noEvidence : .evidence, summary: summary,
            tables: [
                ReportTable(
                    id: "rejections_by_reason", title: "Rejected tokens by reason",
                    columns: [ReportColumn("reason", .text), ReportColumn("events", .integer)], rows: reasonRows,
                    chart: .bars),
                ReportTable(
                    id: "rejections_by_service", title: "Rejected tokens by service and reason",
                    columns: [ReportColumn("service", .text), ReportColumn("reason", .text), ReportColumn("events", .integer)],
                    rows: serviceRows),
                ReportTable(
                    id: "rejections_by_source", title: "Rejected tokens by source address (largest first)",
                    columns: [
                        ReportColumn("client_ip", .text), ReportColumn("service", .text), ReportColumn("reason", .text),
                        ReportColumn("events", .integer),
                    ],
                    rows: sourceRows),
            ])
    }

    /// Which event field answers which element of a recorded-details requirement, and events by kind.
    func recordedFields() throws -> ReportSection {
        var byKind: [[ReportValue]: Int64] = [:]
        var total: Int64 = 0
        for row in try rollups().rows {
            let key: [ReportValue] = [
                .text(row.kind.name), .text(row.tokenType.name), row.outcome.map { .text($0.name) } ?? .null,
            ]
            byKind[key, default: 0] += row.events
            total += row.events
        }
        let kindRows = byKind.map { $0.key + [.integer($0.value)] }.sorted { lhs, rhs in
            Self.sortKey(lhs) < Self.sortKey(rhs)
        }
        let fields: [[ReportValue]] = [
            ["user identification", "sub, client_id, iss", "the token's subject and client as the service saw them"],
            ["type of event", "kind, token_type", "validate, issue, rotate or revoke; access, refresh or id token"],
            ["date and time", "ts, received_at", "when the service decided, and when the collector stored it"],
            ["success or failure", "outcome, reason", "accepted or rejected, and why"],
            ["origination of event", "client_ip, user_agent, service, producer, peer_uid, peer_pid",
             "the caller's address, and the service process that reported (from the socket's credentials)"],
            ["affected data, component, resource or service", "service, aud, scope, tenant",
             "the service that validated and what the token was for"],
        ].map { $0.map(ReportValue.text) }
        var summary = [
            "Every stored event carries ts, service and kind, and validate events an outcome (a rejection also its "
                + "reason): the collector refuses lines without them and keeps them in the quarantine.",
            "Raw tokens are never stored: only token_fp, an HMAC of the token under a per-store key.",
            "\(Self.plural(total, "event")) stored for the period (table events_by_kind).",
        ]
        if let policy = request.policy {
            let fields = ["sub", "client_ip"].filter { policy.pseudonymisation.covers($0) }
            summary.append(
                "Personal data in events: sub, client_ip and user_agent; pseudonymised by the policy: "
                    + (fields.isEmpty ? "none" : fields.joined(separator: ", ")) + ".")
        } else {
            summary.append("Personal data in events: sub, client_ip and user_agent (no policy given: pseudonymisation unknown).")
        }
        return ReportSection(
            id: ReportEvidenceKind.recordedFields.rawValue, title: "Recorded event details", requirements: [],
            status: .evidence, summary: summary,
            tables: [
                ReportTable(
                    id: "recorded_fields", title: "What each event records",
                    columns: [
                        ReportColumn("element", .text), ReportColumn("event_fields", .text), ReportColumn("meaning", .text),
                    ],
                    rows: fields),
                ReportTable(
                    id: "events_by_kind", title: "Events by kind, token type and outcome",
                    columns: [
                        ReportColumn("kind", .text), ReportColumn("token_type", .text), ReportColumn("outcome", .text),
                        ReportColumn("events", .integer),
                    ],
                    rows: kindRows),
            ])
    }

    static func sortKey(_ row: [ReportValue]) -> String {
        row.prefix(3).map { value -> String in
            if case .text(let text) = value { return text }
            return "~"
        }.joined(separator: "\u{1}")
    }
}
