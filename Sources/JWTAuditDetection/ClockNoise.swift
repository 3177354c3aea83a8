import JWTAuditModel

/// Rejections every JWT deployment makes because of clocks, not attacks: a token sent just after it
/// expired (within ``staleAfter``, or with no `exp` reported), or one whose `nbf`/`iat` is a little
/// ahead. `token_spray` and `failures_then_success` do not count them; a token expired for longer
/// is stale (a stolen one, say) and counts.
enum ClockNoise {
    /// How long after `exp` an expired token stops being noise: 5 minutes.
    static let staleAfter: Int64 = 5 * 60 * 1_000_000

    @inline(__always)
    static func contains(_ event: AuditEvent) -> Bool {
        switch event.reason {
        case .notYetValid: return true
        case .expired:
            guard let exp = event.expiresAt else { return true }
            // `exp` is whatever the client sent: clamp, so that a far-future `exp` stays in the future.
            return SaturatingTime.micros(seconds: exp) >= SaturatingTime.difference(event.timestamp, staleAfter)
        default: return false
        }
    }
}
