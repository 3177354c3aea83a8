/// Where an alert is in triage: `open`, `acknowledged`, `resolved`, `false_positive`.
public enum AlertStatus: UInt8, Sendable, Hashable, CaseIterable {
    case open, acknowledged, resolved, falsePositive

    /// The name used in alerts, the API and the CLI.
    public var name: String {
        switch self {
        case .open: "open"
        case .acknowledged: "acknowledged"
        case .resolved: "resolved"
        case .falsePositive: "false_positive"
        }
    }

    /// The case for a name.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    /// Whether a new finding with the same rule and key still updates this alert. A resolved or
    /// dismissed alert stays closed: the next finding opens a new alert.
    public var isActive: Bool { self == .open || self == .acknowledged }
}
