import JWTAuditDetection

/// Which alerts ``AlertStore/list(_:)`` returns. A field left `nil` matches every alert; the
/// fields that are set must all match.
public struct AlertFilter: Sendable, Hashable {
    /// Only alerts in this status.
    public var status: AlertStatus?
    /// Only alerts of this rule id.
    public var rule: String?
    /// Only alerts of this severity or above: `.high` returns `high` and `critical` alerts.
    public var minimumSeverity: Severity?
    /// Only alerts whose `last_seen` is at or after this time, microseconds since the epoch.
    public var since: Int64?
    /// Most alerts returned (the newest `last_seen` first); `nil` for all.
    public var limit: Int?

    /// A filter; with no arguments it matches every alert.
    public init(
        status: AlertStatus? = nil, rule: String? = nil, minimumSeverity: Severity? = nil, since: Int64? = nil,
        limit: Int? = nil
    ) {
        self.status = status
        self.rule = rule
        self.minimumSeverity = minimumSeverity
        self.since = since
        self.limit = limit
    }
}
