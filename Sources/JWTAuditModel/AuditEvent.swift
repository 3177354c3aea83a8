/// One JWT validation (or refresh-token lifecycle) event, as stored.
///
/// Wire fields follow schema version 1 (DESIGN section 2). The raw `token` is never part of an
/// event: the decoder reads it, fills missing fields, computes ``tokenFingerprint`` and drops it.
/// Times are microseconds since the Unix epoch, UTC.
public struct AuditEvent: Sendable, Hashable {
    /// `ts`: when the service validated, in microseconds since the epoch (UTC).
    public var timestamp: Int64
    /// `service`: the emitting service, 1–128 characters.
    public var service: String
    /// `kind`: what happened to the token. Default `validate`.
    public var kind: EventKind
    /// `outcome`: the service's decision; required for `validate`.
    public var outcome: Outcome?
    /// `reason`: why it was rejected; required when `outcome` is `rejected`.
    public var reason: Reason?
    /// `token_type`. Default `access`.
    public var tokenType: TokenType

    public var issuer: String?
    public var subject: String?
    public var tokenID: String?
    public var algorithm: String?
    public var keyID: String?
    public var type: String?
    public var scope: String?
    public var clientID: String?
    public var tenant: String?
    /// `aud`: a string or an array of strings.
    public var audience: Audience?
    /// `exp`, `iat`, `nbf`: seconds since the epoch.
    public var expiresAt: Int64?
    public var issuedAt: Int64?
    public var notBefore: Int64?
    /// `client_ip`: the caller's address (IPv4 or IPv6 text).
    public var clientIP: String?
    public var userAgent: String?
    /// `family`: refresh-token family (one login).
    public var family: String?
    /// `parent_jti`: the refresh token a `rotate` replaces.
    public var parentTokenID: String?
    /// `latency_us`: time the validation took.
    public var latencyMicros: Int64?
    public var jwkSetURL: String?
    public var x509URL: String?
    /// `seq`: the producer's own counter.
    public var sequence: Int64?
    /// `token_fp`: the token's fingerprint (hex).
    public var tokenFingerprint: String?
    /// `attrs`, plus unknown top-level fields (non-string values as compact JSON text).
    public var attributes: [String: String]

    // Added by the collector.

    /// `received_at`: when the collector read the line, microseconds since the epoch.
    public var receivedAt: Int64
    /// `peer_uid`, `peer_gid`, `peer_pid`: the sender's credentials from `SO_PEERCRED`.
    public var peerUID: UInt32
    public var peerGID: UInt32
    public var peerPID: Int32
    /// `producer`: the `hello.client` name of an acknowledged-mode connection.
    public var producer: String?

    /// Creates an event with the required fields; every optional field starts empty.
    public init(
        timestamp: Int64, service: String, kind: EventKind = .validate, outcome: Outcome? = nil,
        reason: Reason? = nil, tokenType: TokenType = .access
    ) {
        self.timestamp = timestamp
        self.service = service
        self.kind = kind
        self.outcome = outcome
        self.reason = reason
        self.tokenType = tokenType
        attributes = [:]
        receivedAt = 0
        peerUID = 0
        peerGID = 0
        peerPID = 0
    }
}

/// `kind`: what happened to the token.
public enum EventKind: UInt8, Sendable, Hashable, CaseIterable {
    case validate, issue, rotate, revoke

    /// The wire name.
    public var name: String {
        switch self {
        case .validate: "validate"
        case .issue: "issue"
        case .rotate: "rotate"
        case .revoke: "revoke"
        }
    }

    /// The case for a wire name.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }
}

/// `outcome`: the service's decision.
public enum Outcome: UInt8, Sendable, Hashable, CaseIterable {
    case accepted, rejected

    /// The wire name.
    public var name: String { self == .accepted ? "accepted" : "rejected" }

    /// The case for a wire name.
    public init?(name: String) {
        switch name {
        case "accepted": self = .accepted
        case "rejected": self = .rejected
        default: return nil
        }
    }
}

/// `token_type`.
public enum TokenType: UInt8, Sendable, Hashable, CaseIterable {
    case access, refresh, id

    /// The wire name.
    public var name: String {
        switch self {
        case .access: "access"
        case .refresh: "refresh"
        case .id: "id"
        }
    }

    /// The case for a wire name.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }
}

/// `reason`: why a service rejected a token.
public enum Reason: UInt8, Sendable, Hashable, CaseIterable {
    case expired, notYetValid, badSignature, algNone, algNotAllowed, keyUnknown, issuerMismatch
    case audienceMismatch, malformed, revoked, replayed, claimsInvalid, other

    /// The wire name.
    public var name: String {
        switch self {
        case .expired: "expired"
        case .notYetValid: "not_yet_valid"
        case .badSignature: "bad_signature"
        case .algNone: "alg_none"
        case .algNotAllowed: "alg_not_allowed"
        case .keyUnknown: "key_unknown"
        case .issuerMismatch: "issuer_mismatch"
        case .audienceMismatch: "audience_mismatch"
        case .malformed: "malformed"
        case .revoked: "revoked"
        case .replayed: "replayed"
        case .claimsInvalid: "claims_invalid"
        case .other: "other"
        }
    }

    /// The case for a wire name.
    public init?(name: String) {
        guard let match = Self.allCases.first(where: { $0.name == name }) else { return nil }
        self = match
    }
}

/// `aud`: one audience or a list, kept as the producer sent it.
public enum Audience: Sendable, Hashable {
    case single(String)
    case list([String])

    /// Every audience value.
    public var values: [String] {
        switch self {
        case .single(let value): [value]
        case .list(let values): values
        }
    }
}
