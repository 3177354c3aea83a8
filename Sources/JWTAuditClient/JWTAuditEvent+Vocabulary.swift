extension JWTAuditEvent {
    /// What happened to a token (`kind`).
    public enum Kind: String, Sendable, CaseIterable {
        /// A service checked a token.
        case validate
        /// A refresh token was issued.
        case issue
        /// A refresh token replaced its parent.
        case rotate
        /// A token, family or subject was revoked.
        case revoke
    }

    /// The service's decision (`outcome`).
    public enum Outcome: String, Sendable, CaseIterable {
        /// The token was accepted.
        case accepted
        /// The token was refused.
        case rejected
    }

    /// The token's type (`token_type`).
    public enum TokenType: String, Sendable, CaseIterable {
        /// An access token.
        case access
        /// A refresh token.
        case refresh
        /// An OpenID Connect ID token.
        case id
    }

    /// Why a token was rejected (`reason`): the protocol's closed list.
    public enum Reason: String, Sendable, CaseIterable {
        /// `exp` has passed.
        case expired
        /// `nbf` lies in the future.
        case notYetValid = "not_yet_valid"
        /// The signature does not verify.
        case badSignature = "bad_signature"
        /// The header says `alg: none`.
        case algNone = "alg_none"
        /// The algorithm is not one the service accepts for this key.
        case algNotAllowed = "alg_not_allowed"
        /// No key matches the token's `kid`.
        case keyUnknown = "key_unknown"
        /// `iss` is not the expected issuer.
        case issuerMismatch = "issuer_mismatch"
        /// `aud` does not name this service.
        case audienceMismatch = "audience_mismatch"
        /// The token cannot be parsed.
        case malformed
        /// The token was revoked.
        case revoked
        /// The token was already used.
        case replayed
        /// Another claim check failed.
        case claimsInvalid = "claims_invalid"
        /// Anything else.
        case other
    }
}
