import JWTAuditClient

/// A token ``AuditedJWTVerifier`` refused before jwt-kit looked at its signature: `alg: none`, an
/// algorithm other than the key's, or a `kid` outside the known set.
///
/// Its description names the reason and, for an algorithm, the algorithm; never the token.
public struct JWTAuditRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// The protocol reason.
    public var reason: JWTAuditEvent.Reason
    /// A short explanation.
    public var message: String

    /// Creates a refusal.
    public init(_ reason: JWTAuditEvent.Reason, _ message: String) {
        self.reason = reason
        self.message = message
    }

    /// `reason: message`.
    public var description: String { "\(reason.rawValue): \(message)" }
}
