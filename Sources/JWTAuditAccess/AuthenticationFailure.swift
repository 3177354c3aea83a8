/// One failed authentication, as recorded for audit: when, from where, why. Never the token.
public struct AuthenticationFailure: Sendable, Hashable {
    /// Why an authentication failed. New reasons may be added.
    public enum Reason: String, Sendable, Hashable, CaseIterable {
        /// No `Authorization` header.
        case missingToken = "missing_token"
        /// An `Authorization` header that is not `Bearer <token>`.
        case malformedHeader = "malformed_header"
        /// A bearer token that matches no token.
        case unknownToken = "unknown_token"
        /// A bearer token that was revoked.
        case revokedToken = "revoked_token"
        /// Too many failures from the address: refused without looking at the token.
        case rateLimited = "rate_limited"
    }

    /// When, microseconds since the epoch.
    public var at: Int64
    /// The client's address (IP), or `unknown`.
    public var remoteAddress: String
    /// Why.
    public var reason: Reason
    /// The request's method and path (no query string).
    public var request: String

    /// Creates a record.
    public init(at: Int64, remoteAddress: String, reason: Reason, request: String) {
        self.at = at
        self.remoteAddress = remoteAddress
        self.reason = reason
        self.request = request
    }
}
