import JWTAuditDetection

extension AlertStore {
    /// How many alerts have one rule, severity and status.
    public struct Count: Sendable, Hashable {
        /// The rule id.
        public var rule: String
        /// The alert's severity.
        public var severity: Severity
        /// The alert's status.
        public var status: AlertStatus
        /// Alerts with all three.
        public var alerts: Int64
    }

    /// Alerts counted by rule, severity and status (combinations with none are absent).
    public func countByRule() throws -> [Count] {
        guard try connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'alerts'") == 1 else {
            return []
        }
        let statement = try connection.prepare(
            "SELECT rule, severity, status, count(*) FROM alerts GROUP BY rule, severity, status")
        var counts: [Count] = []
        while try statement.step() {
            guard let severity = statement.text(1).flatMap(Severity.init(name:)),
                let status = statement.text(2).flatMap(AlertStatus.init(name:))
            else { continue }
            counts.append(
                Count(rule: statement.text(0) ?? "", severity: severity, status: status, alerts: statement.int64(3)))
        }
        return counts
    }
}
