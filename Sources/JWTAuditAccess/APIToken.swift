/// One API token as stored: its name, role and dates, never the secret (only its hash is kept).
public struct APIToken: Sendable, Hashable {
    /// The row id.
    public var id: Int64
    /// The token's name: who acts with it (recorded as the author of alert changes).
    public var name: String
    /// What it may do.
    public var role: APIRole
    /// When it was created, microseconds since the epoch.
    public var createdAt: Int64
    /// When it was revoked, or nil while it is valid.
    public var revokedAt: Int64?

    /// Creates a token record.
    public init(id: Int64, name: String, role: APIRole, createdAt: Int64, revokedAt: Int64? = nil) {
        self.id = id
        self.name = name
        self.role = role
        self.createdAt = createdAt
        self.revokedAt = revokedAt
    }

    /// Whether the token is still valid.
    public var isActive: Bool { revokedAt == nil }
}
