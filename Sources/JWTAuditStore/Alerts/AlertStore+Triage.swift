import JWTAuditDetection

extension AlertStore {
    /// An alert and how it was triaged: the first status change after it was stored, for time to
    /// acknowledge. Read by compliance reports.
    public struct Triage: Sendable, Hashable {
        /// The alert's number.
        public var id: Int64
        /// The rule id.
        public var rule: String
        /// The current severity.
        public var severity: Severity
        /// The current status.
        public var status: AlertStatus
        /// The grouped key as text (`client_ip=203.0.113.9`): event data, escape it when shown.
        public var keyText: String
        /// The summary sentence: event data, escape it when shown.
        public var summary: String
        /// Event time of the first and last events behind the alert (µs).
        public var firstSeen: Int64
        /// Event time of the last event behind the alert (µs).
        public var lastSeen: Int64
        /// Events behind the alert.
        public var count: Int64
        /// When the alert was stored (µs, wall clock).
        public var createdAt: Int64
        /// When its status first changed (acknowledged, resolved or false positive), if ever.
        public var firstTriageAt: Int64?
        /// Who made that change.
        public var firstTriageBy: String?
        /// The status it was changed to.
        public var firstTriageTo: String?
    }

    /// One change made by a person (not the detector) in an alert's history.
    public struct ReviewAction: Sendable, Hashable {
        /// The alert changed.
        public var alertID: Int64
        /// When (µs, wall clock).
        public var at: Int64
        /// Who (a token name or `--by`).
        public var who: String
        /// `status`, `assignee` or `note`.
        public var action: String
    }

    private var hasSchema: Bool {
        get throws { try connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'alerts'") == 1 }
    }

    /// Alerts whose first event time (`first_seen`) is in `from..<to`, or (with `openOnly`) every
    /// alert still `open`, oldest first, each with its first status change.
    public func triage(from: Int64, to: Int64, openOnly: Bool = false) throws -> [Triage] {
        guard try hasSchema else { return [] }
        let statement = try connection.prepare(
            """
            SELECT a.id, a.rule, a.severity, a.status, a.key_text, a.summary, a.first_seen, a.last_seen, a.count,
                a.created_at, h.at, h.who, h.to_value
            FROM alerts a
            LEFT JOIN (SELECT alert_id, min(id) AS first FROM alert_history WHERE action = 'status' GROUP BY alert_id) f
                ON f.alert_id = a.id
            LEFT JOIN alert_history h ON h.id = f.first
            WHERE \(openOnly ? "a.status = 'open'" : "a.first_seen >= ? AND a.first_seen < ?")
            ORDER BY a.id
            """)
        if !openOnly {
            statement.bind(1, from)
            statement.bind(2, to)
        }
        var alerts: [Triage] = []
        while try statement.step() {
            alerts.append(
                Triage(
                    id: statement.int64(0), rule: statement.text(1) ?? "",
                    severity: statement.text(2).flatMap(Severity.init(name:)) ?? .critical,
                    status: statement.text(3).flatMap(AlertStatus.init(name:)) ?? .open,
                    keyText: statement.text(4) ?? "", summary: statement.text(5) ?? "", firstSeen: statement.int64(6),
                    lastSeen: statement.int64(7), count: statement.int64(8), createdAt: statement.int64(9),
                    firstTriageAt: statement.isNull(10) ? nil : statement.int64(10), firstTriageBy: statement.text(11),
                    firstTriageTo: statement.text(12)))
        }
        return alerts
    }

    /// Changes made by people (status, assignee, notes) at wall-clock times in `from..<to`, oldest first.
    public func reviewActions(from: Int64, to: Int64) throws -> [ReviewAction] {
        guard try hasSchema else { return [] }
        let statement = try connection.prepare(
            """
            SELECT alert_id, at, who, action FROM alert_history
            WHERE at >= ? AND at < ? AND who != ? AND action IN ('status', 'assignee', 'note') ORDER BY at, id
            """)
        statement.bind(1, from)
        statement.bind(2, to)
        statement.bind(3, Self.detectorName)
        var actions: [ReviewAction] = []
        while try statement.step() {
            actions.append(
                ReviewAction(
                    alertID: statement.int64(0), at: statement.int64(1), who: statement.text(2) ?? "",
                    action: statement.text(3) ?? ""))
        }
        return actions
    }
}
