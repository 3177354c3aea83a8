import JWTAuditClient

/// How an event describes the token it is about.
public enum TokenDetail: Sendable, Hashable {
    /// Header and claims are read in the service and sent as fields; the token itself never
    /// leaves the process and is not kept in the event (the default). The daemon then has no
    /// `token_fp`; correlation relies on `jti`, `sub` and the other claims.
    case decodedFields
    /// The raw token is sent in `token` as well: the daemon decodes it, computes `token_fp` with
    /// its own secret (so fingerprints match across services), and drops it; it is never stored.
    /// The token sits in the client's buffer until it is sent, over the local socket only.
    case rawToken
}
