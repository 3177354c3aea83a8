import JWTAuditModel

/// Builds realistic events for detection tests: a validate of a token `at` seconds after
/// `EventFactory.baseTime`, signed RS256 by `https://idp.example` with `kid` `k1`, issued ten seconds
/// earlier for ten minutes, with `aud` set to the service.
public enum TokenEvent {
    public static func validate(
        at seconds: Double, service: String = "api", outcome: Outcome = .accepted, reason: Reason? = nil,
        ip: String? = "198.51.100.7", sub: String? = "alice", jti: String? = nil, type: TokenType = .access,
        alg: String = "RS256", kid: String? = "k1", issuer: String = "https://idp.example",
        userAgent: String? = "app/2.1", clientID: String? = "web"
    ) -> AuditEvent {
        let ts = EventFactory.baseTime + Int64(seconds * 1_000_000)
        var event = AuditEvent(timestamp: ts, service: service, outcome: outcome, reason: reason, tokenType: type)
        event.issuer = issuer
        event.subject = sub
        event.tokenID = jti
        event.algorithm = alg
        event.keyID = kid
        event.clientIP = ip
        event.userAgent = userAgent
        event.clientID = clientID
        event.audience = .single(service)
        event.issuedAt = ts / 1_000_000 - 10
        event.expiresAt = ts / 1_000_000 + 600
        event.receivedAt = ts + 2_000
        return event
    }

    /// A refresh-token lifecycle event: `issue` (`jti` in `family`), `rotate` (`jti` replaces
    /// `parent`), or `revoke` (a `jti`, else the `family`, else every token of `sub`).
    public static func lifecycle(
        _ kind: EventKind, at seconds: Double, jti: String? = nil, parent: String? = nil, family: String? = nil,
        sub: String? = "alice", ip: String? = "198.51.100.7", userAgent: String? = "app/2.1",
        type: TokenType = .refresh, service: String = "auth"
    ) -> AuditEvent {
        let ts = EventFactory.baseTime + Int64(seconds * 1_000_000)
        var event = AuditEvent(timestamp: ts, service: service, kind: kind, tokenType: type)
        event.tokenID = jti
        event.parentTokenID = parent
        event.family = family
        event.subject = sub
        event.clientIP = ip
        event.userAgent = userAgent
        event.issuedAt = ts / 1_000_000
        event.expiresAt = ts / 1_000_000 + 30 * 86_400
        event.receivedAt = ts + 2_000
        return event
    }
}
