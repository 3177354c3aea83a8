import JWTAuditDetection

/// What ``AlertStore/record(_:now:)`` did to one alert, with the alert as stored afterwards.
public struct AlertUpdate: Sendable, Hashable {
    /// The kind of change.
    public enum Kind: Sendable, Hashable {
        /// A new alert was opened.
        case opened
        /// Findings were folded into an active alert (count, last seen, samples) at the same severity.
        case updated
        /// Findings were folded into an active alert and raised its severity.
        case escalated
    }

    /// What happened. When one batch touches an alert several times, the strongest kind wins:
    /// `opened` over `escalated` over `updated`.
    public var kind: Kind
    /// The alert after the whole batch, with samples, notes and history.
    public var alert: Alert

    /// Creates an update.
    public init(kind: Kind, alert: Alert) {
        self.kind = kind
        self.alert = alert
    }

    /// Whether outputs (stdout, webhook, syslog) send this update: opened and escalated alerts are
    /// news; a plain update only moves `count` and `last_seen` and would flood the receivers during
    /// a long attack, so it is stored but not sent.
    public var isNotifiable: Bool { kind != .updated }
}

extension AlertUpdate.Kind {
    /// The stronger of two kinds: `opened` over `escalated` over `updated`.
    func merged(with other: Self) -> Self {
        if self == .opened || other == .opened { return .opened }
        if self == .escalated || other == .escalated { return .escalated }
        return .updated
    }
}
