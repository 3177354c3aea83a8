import JWTAuditDetection

/// Alerts one output lost since the previous ``OutputDispatcher/takeLosses()``: the material of
/// an `event_loss` finding.
public struct OutputLoss: Sendable, Hashable {
    /// The output's name.
    public var output: String
    /// Alerts dropped: queue full, every attempt failed, or shutdown's deadline passed.
    public var dropped: Int64
    /// Alerts the receiver refused for good (a webhook's 4xx).
    public var failed: Int64

    /// A loss record.
    public init(output: String, dropped: Int64, failed: Int64) {
        self.output = output
        self.dropped = dropped
        self.failed = failed
    }

    /// Alerts lost in all.
    public var total: Int64 { dropped + failed }

    /// The `event_loss` finding for this loss, keyed by `output`, at event time `now`
    /// (microseconds since the epoch), with the rule's severity and suppression window.
    public func finding(
        at now: Int64, parameters: RuleParameters = BuiltInRule.eventLoss.defaultParameters
    ) -> Finding {
        let rule = BuiltInRule.eventLoss
        let summary =
            "alert output \(output) lost \(total) alert\(total == 1 ? "" : "s"): \(dropped) dropped "
            + "(queue full, delivery gave up or shutdown), \(failed) refused by the receiver"
        return Finding(
            rule: rule.id, severity: parameters.severity, key: AlertKey("output", output), firstSeen: now,
            lastSeen: now, count: Int(clamping: total), samples: [], summary: summary, techniques: rule.techniques,
            tags: rule.tags, suppressionWindow: parameters.suppression
        )
    }
}
