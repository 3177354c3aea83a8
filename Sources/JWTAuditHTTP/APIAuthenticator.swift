import Foundation
import HTTPTypes
import Hummingbird
import JWTAuditAccess
import Logging

/// Checks the bearer token of a request against the token store and the route's permission.
///
/// Answers 401 for a missing or wrong token and 403 for a role that may not, with no detail in
/// the body. Every failed authentication is counted, logged (address and reason, never the token)
/// and recorded in the token store; an address with too many failures in a minute gets 429 until
/// the window has passed, without its token being looked at.
final class APIAuthenticator: @unchecked Sendable {
    private let store: APITokenStore
    private let counters: AccessCounters
    private let logger: Logger
    private let lock = NSLock()
    private var limiter: FailureRateLimiter
    /// When a rate-limited refusal was last recorded per address: one record per window is enough.
    private var limitedNoted: [String: Int64] = [:]

    init(store: APITokenStore, counters: AccessCounters, failuresPerMinute: Int, logger: Logger) {
        self.store = store
        self.counters = counters
        self.logger = logger
        limiter = FailureRateLimiter(limit: max(1, failuresPerMinute))
    }

    /// The outcome of a check: the token, or the response refusing the request.
    enum Outcome {
        case granted(APIToken)
        case refused(Response)
    }

    /// Checks `request` for `permission`. Runs on a thread-pool thread (it reads SQLite).
    func check(_ request: Request, remote: String, permission: APIPermission) -> Outcome {
        lock.lock()
        defer { lock.unlock() }
        let now = Self.now()
        let target = "\(request.method.rawValue) \(request.uri.path)"
        if limiter.isLimited(remote, now: now) {
            let retry = limiter.retryAfterSeconds(remote, now: now)
            counters.countFailure(.rateLimited)
            if now - (limitedNoted[remote] ?? .min / 2) >= limiter.window {
                limitedNoted[remote] = now
                if limitedNoted.count > 10_000 { limitedNoted = limitedNoted.filter { now - $0.value < limiter.window } }
                note(AuthenticationFailure(at: now, remoteAddress: remote, reason: .rateLimited, request: target))
            }
            return .refused(
                JSONResponse.error(
                    .tooManyRequests, "too_many_requests", extra: [.retryAfter: String(retry)]))
        }
        let reason: AuthenticationFailure.Reason
        switch Self.bearerToken(request.headers[.authorization]) {
        case .missing:
            reason = .missingToken
        case .malformed:
            reason = .malformedHeader
        case .token(let presented):
            let verdict: APITokenStore.Verdict
            do {
                verdict = try store.verify(presented)
            } catch {
                logger.error("cannot read the token store", metadata: ["error": "\(error)"])
                return .refused(JSONResponse.error(.serviceUnavailable, "unavailable"))
            }
            switch verdict {
            case .valid(let token):
                guard token.role.allows(permission) else {
                    logger.notice(
                        "request refused: role may not",
                        metadata: [
                            "http.remote": "\(remote)", "http.request": "\(target)", "token.name": "\(token.name)",
                            "token.role": "\(token.role.name)",
                        ])
                    return .refused(JSONResponse.error(.forbidden, "forbidden"))
                }
                return .granted(token)
            case .revoked: reason = .revokedToken
            case .unknown: reason = .unknownToken
            }
        }
        limiter.recordFailure(remote, now: now)
        counters.countFailure(reason)
        note(AuthenticationFailure(at: now, remoteAddress: remote, reason: reason, request: target))
        return .refused(JSONResponse.error(.unauthorized, "unauthorized", extra: [.wwwAuthenticate: "Bearer"]))
    }

    private func note(_ failure: AuthenticationFailure) {
        logger.notice(
            "authentication failed",
            metadata: [
                "http.remote": "\(failure.remoteAddress)", "auth.reason": "\(failure.reason.rawValue)",
                "http.request": "\(failure.request)",
            ])
        do {
            try store.record(failure)
        } catch {
            logger.error("cannot record a failed authentication", metadata: ["error": "\(error)"])
        }
    }

    enum Bearer: Equatable {
        case missing, malformed
        case token(String)
    }

    /// The token of an `Authorization: Bearer <token>` header.
    static func bearerToken(_ header: String?) -> Bearer {
        guard let header else { return .missing }
        let parts = header.split(separator: " ", omittingEmptySubsequences: true)
        guard parts.count == 2, parts[0].lowercased() == "bearer", parts[1].utf8.count <= 512 else {
            return .malformed
        }
        return .token(String(parts[1]))
    }

    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}
