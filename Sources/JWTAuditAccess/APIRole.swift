/// What an API token may do.
///
/// `analyst` reads and triages alerts; `auditor` reads and exports reports but cannot change
/// alerts; `admin` may do everything.
public enum APIRole: String, Sendable, Hashable, CaseIterable {
    case analyst
    case auditor
    case admin

    /// The role for a name (`analyst`, `auditor`, `admin`), or nil.
    public init?(name: String) {
        self.init(rawValue: name)
    }

    /// The role's name.
    public var name: String { rawValue }

    /// Whether the role grants `permission`.
    public func allows(_ permission: APIPermission) -> Bool {
        switch (self, permission) {
        case (.admin, _): true
        case (_, .read): true
        case (.analyst, .triage): true
        case (.auditor, .triage): false
        case (.auditor, .export): true
        case (.analyst, .export): false
        }
    }
}

/// What a route needs.
public enum APIPermission: String, Sendable, Hashable, CaseIterable {
    /// Read alerts, events, statistics and metrics.
    case read
    /// Change an alert: status, notes.
    case triage
    /// Generate and download compliance reports (recorded as exports).
    case export
}
