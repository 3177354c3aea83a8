/// One token decision to report: the fields of DESIGN section 2, filled without writing JSON.
///
/// Every field but ``outcome`` (and ``reason`` for a rejection) is optional; the client fills
/// ``service`` from its configuration and ``timestampMicros`` with the time of ``JWTAuditClient/emit(_:)``
/// when they are left `nil`, and adds `v` and `seq` itself.
///
/// ```swift
/// var event = JWTAuditEvent.rejected(.expired)
/// event.sub = "alice"
/// event.clientIP = "203.0.113.9"
/// client.emit(event)
/// ```
///
/// Never put a secret, a signing key or a password in any field. A raw token belongs only in
/// ``token``: the daemon reads its header and claims, fingerprints it and drops it.
public struct JWTAuditEvent: Sendable {
    /// What happened to the token. Default ``Kind/validate``.
    public var kind: Kind = .validate
    /// The service's decision (required for `validate`).
    public var outcome: Outcome?
    /// Why the token was rejected (required when ``outcome`` is ``Outcome/rejected``).
    public var reason: Reason?
    /// The token's type; the daemon assumes `access` when absent.
    public var tokenType: TokenType?
    /// The emitting service; `nil` takes the client's ``JWTAuditClient/Configuration/service``.
    public var service: String?
    /// When the service decided, in microseconds since the Unix epoch; `nil` takes the time of `emit`.
    public var timestampMicros: Int64?

    /// The `iss` claim.
    public var iss: String?
    /// The `sub` claim.
    public var sub: String?
    /// The `aud` claim (one or more audiences).
    public var aud: [String]?
    /// The `jti` claim.
    public var jti: String?
    /// The header's `alg`.
    public var alg: String?
    /// The header's `kid`.
    public var kid: String?
    /// The header's `typ`.
    public var typ: String?
    /// The `scope` claim.
    public var scope: String?
    /// The `client_id` claim.
    public var clientID: String?
    /// The `tenant` claim.
    public var tenant: String?
    /// The `exp` claim, seconds since the epoch.
    public var exp: Int64?
    /// The `iat` claim, seconds since the epoch.
    public var iat: Int64?
    /// The `nbf` claim, seconds since the epoch.
    public var nbf: Int64?
    /// The header's `jku` URL, when the token carried one.
    public var jku: String?
    /// The header's `x5u` URL, when the token carried one.
    public var x5u: String?

    /// The caller's address, IPv4 or IPv6 text.
    public var clientIP: String?
    /// The caller's `User-Agent`.
    public var userAgent: String?
    /// The refresh-token family (one login).
    public var family: String?
    /// The refresh token a `rotate` replaces.
    public var parentJTI: String?
    /// Time the validation took, in microseconds.
    public var latencyMicros: Int64?

    /// The raw JWT, for the daemon to decode and fingerprint; it is never stored or forwarded.
    ///
    /// Send it, or send the decoded fields, not both (fields already set win over the token's).
    public var token: String?
    /// A fingerprint the service computed itself (hex), when it does not send ``token``.
    public var tokenFingerprint: String?
    /// Extra attributes (bounded by the daemon: 64 entries, names up to 128 bytes, values up to 2,048).
    public var attributes: [String: String]?

    /// Creates an event of `kind` with `outcome` and `reason`.
    public init(kind: Kind = .validate, outcome: Outcome? = nil, reason: Reason? = nil) {
        self.kind = kind
        self.outcome = outcome
        self.reason = reason
    }

    /// A `validate` event the service accepted.
    public static func accepted() -> JWTAuditEvent {
        JWTAuditEvent(outcome: .accepted)
    }

    /// A `validate` event the service rejected for `reason`.
    public static func rejected(_ reason: Reason) -> JWTAuditEvent {
        JWTAuditEvent(outcome: .rejected, reason: reason)
    }
}
