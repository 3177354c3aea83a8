/// How urgent an alert is (DESIGN section 3): `low`, `medium`, `high`, `critical`.
public enum Severity: UInt8, Sendable, Hashable, CaseIterable, Comparable {
    case low, medium, high, critical

    /// The name used in alerts, rules files and the CLI.
    public var name: String {
        switch self {
        case .low: "low"
        case .medium: "medium"
        case .high: "high"
        case .critical: "critical"
        }
    }

    /// The case for a name.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }

    public static func < (lhs: Severity, rhs: Severity) -> Bool { lhs.rawValue < rhs.rawValue }
}
