import JWTAuditClient
import JWTKit

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Verifies tokens with a jwt-kit 5 `JWTKeyCollection` and reports every attempt to jwtaudit.
///
/// Before jwt-kit checks the signature, the header is checked: `alg: none` is refused
/// (`alg_none`), an `alg` outside ``allowedAlgorithms`` (or, when that set is empty, other than
/// the algorithm of the key the `kid` selects) is refused (`alg_not_allowed`: the HS256-signed-
/// with-the-RSA-public-key attack), and a `kid` outside ``knownKeyIDs`` is refused
/// (`key_unknown`). jwt-kit's own errors are mapped by ``JWTKitReasons``.
///
/// Each attempt becomes one event, emitted without waiting; the verification result (payload or
/// error) is returned to the caller unchanged.
///
/// ```swift
/// let verifier = AuditedJWTVerifier(keys: keys, client: audit, allowedAlgorithms: ["RS256"])
/// let payload = try await verifier.verify(bearer, as: UserClaims.self) { event in
///     event.clientIP = request.remoteAddress
/// }
/// ```
public struct AuditedJWTVerifier: Sendable {
    /// The keys tokens are verified with.
    public var keys: JWTKeyCollection
    /// Where events go.
    public var client: JWTAuditClient
    /// Algorithms the service accepts; empty: exactly the algorithm of the selected key. Default empty.
    public var allowedAlgorithms: Set<String>
    /// `kid` values the service knows; `nil` accepts any (jwt-kit then falls back to its default
    /// key for an unknown `kid`). Default `nil`.
    public var knownKeyIDs: Set<String>?
    /// Whether the raw token goes to the daemon. Default ``TokenDetail/decodedFields``.
    public var detail: TokenDetail
    /// The type of tokens this verifier sees, when not `access`. Default `nil`.
    public var tokenType: JWTAuditEvent.TokenType?

    /// Creates a verifier.
    public init(
        keys: JWTKeyCollection,
        client: JWTAuditClient,
        allowedAlgorithms: Set<String> = [],
        knownKeyIDs: Set<String>? = nil,
        detail: TokenDetail = .decodedFields,
        tokenType: JWTAuditEvent.TokenType? = nil
    ) {
        self.keys = keys
        self.client = client
        self.allowedAlgorithms = allowedAlgorithms
        self.knownKeyIDs = knownKeyIDs
        self.detail = detail
        self.tokenType = tokenType
    }

    /// Verifies `token` as `Payload`, emits the event, and returns the payload or rethrows.
    ///
    /// - Parameter annotate: adds request context to the event (client address, user agent,
    ///   attributes) before it is emitted.
    /// - Throws: jwt-kit's error, or a ``JWTAuditRefusal`` from the header checks.
    public func verify<Payload: JWTPayload>(
        _ token: String,
        as _: Payload.Type = Payload.self,
        annotate: (inout JWTAuditEvent) -> Void = { _ in }
    ) async throws -> Payload {
        let start = Self.monotonicMicros()
        var event = JWTAuditEvent(verifying: token, detail: detail)
        event.tokenType = tokenType
        annotate(&event)
        do {
            try await checkHeader(alg: event.alg, kid: event.kid)
            let payload = try await keys.verify(token, as: Payload.self)
            event.recordSuccess()
            event.latencyMicros = Self.monotonicMicros() - start
            client.emit(event)
            return payload
        } catch {
            event.recordFailure(error)
            event.latencyMicros = Self.monotonicMicros() - start
            client.emit(event)
            throw error
        }
    }

    private func checkHeader(alg: String?, kid: String?) async throws {
        guard let alg else { throw JWTAuditRefusal(.malformed, "the header has no alg") }
        if alg.lowercased() == "none" { throw JWTAuditRefusal(.algNone, "unsigned token (alg none)") }
        if let kid, let knownKeyIDs, !knownKeyIDs.contains(kid) {
            throw JWTAuditRefusal(.keyUnknown, "no key with this kid")
        }
        if allowedAlgorithms.isEmpty {
            let key = try await keys.getKey(for: kid.map { JWKIdentifier(string: $0) }, alg: alg)
            if key.name != alg { throw JWTAuditRefusal(.algNotAllowed, "alg \(alg.prefix(16)) is not the key's") }
        } else if !allowedAlgorithms.contains(alg) {
            throw JWTAuditRefusal(.algNotAllowed, "alg \(alg.prefix(16)) is not allowed")
        }
    }

    private static func monotonicMicros() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec / 1_000)
    }
}
