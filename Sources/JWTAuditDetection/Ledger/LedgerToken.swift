import JWTAuditModel

/// A refresh token (or a revoked access token) the ledger follows. Times are microseconds.
public struct LedgerToken: Sendable, Hashable {
    public enum State: UInt8, Sendable, Hashable {
        case active, superseded, revoked
    }

    public var tokenID: String
    public var tokenType: TokenType
    public var family: String?
    public var subject: String?
    public var state: State
    /// When it was issued (the `issue` or `rotate` event's `ts`).
    public var issuedAt: Int64
    /// When it was superseded or revoked.
    public var changedAt: Int64
    /// The token that replaced it, once superseded.
    public var successor: String?
    /// When it stops mattering: its `exp`, or a default lifetime after issue. Pruned afterwards.
    public var expiresAt: Int64
    /// The client that received it (from the `issue` or `rotate` event), for telling a benign race
    /// from theft.
    public var clientIP: String?
    public var userAgent: String?

    public init(
        tokenID: String, tokenType: TokenType, family: String?, subject: String?, state: State, issuedAt: Int64,
        changedAt: Int64, successor: String?, expiresAt: Int64, clientIP: String?, userAgent: String?
    ) {
        self.tokenID = tokenID
        self.tokenType = tokenType
        self.family = family
        self.subject = subject
        self.state = state
        self.issuedAt = issuedAt
        self.changedAt = changedAt
        self.successor = successor
        self.expiresAt = expiresAt
        self.clientIP = clientIP
        self.userAgent = userAgent
    }
}

/// A revocation of a whole family or of every token of a subject issued up to `revokedAt`.
public struct LedgerRevocation: Sendable, Hashable {
    public enum Scope: UInt8, Sendable, Hashable {
        case family, subject
    }

    public var scope: Scope
    public var value: String
    public var revokedAt: Int64
    /// Pruned afterwards: the longest refresh-token lifetime after the revocation.
    public var expiresAt: Int64

    public init(scope: Scope, value: String, revokedAt: Int64, expiresAt: Int64) {
        self.scope = scope
        self.value = value
        self.revokedAt = revokedAt
        self.expiresAt = expiresAt
    }
}

/// A change to persist so that a restarted daemon forgets nothing.
public enum LedgerChange: Sendable, Hashable {
    case upsertToken(LedgerToken)
    case removeToken(String)
    case upsertRevocation(LedgerRevocation)
    case removeRevocation(LedgerRevocation.Scope, String)
}
