import JWTAuditModel

/// `validator_misconfig`: a service accepted a token whose own fields show it must not: expired
/// beyond leeway, `nbf` in the future beyond leeway, `alg` none, a lifetime (`exp - iat`) above
/// `max_lifetime` (access and id tokens), or no `aud` where `require_audience` is set.
final class ValidatorMisconfigDetector: Detector {
    private var settings: RuleSettings

    init(rules: RuleSet) { settings = rules.settings(.validatorMisconfig) }

    func apply(_ rules: RuleSet) { settings = rules.settings(.validatorMisconfig) }
    var keyCount: Int { 0 }
    var evictions: Int { 0 }

    func observe(_ event: AuditEvent, _ context: inout DetectionContext) {
        guard event.outcome == .accepted, event.kind == .validate else { return }
        guard let (check, detail) = settings.read(for: event.service, { $0.enabled ? Self.violation(event, $0) : nil })
        else { return }
        let parameters = settings.parameters(for: event.service)
        context.findings.report(
            .validatorMisconfig, parameters,
            key: AlertKey([AlertKey.Field("service", event.service), AlertKey.Field("check", check)]),
            event: event, summary: "service \(event.service) accepted a token \(detail)"
        )
    }

    /// The first check the accepted `event` fails, with a phrase for the summary.
    static func violation(_ event: AuditEvent, _ parameters: RuleParameters) -> (String, String)? {
        let now = event.timestamp
        if let exp = event.expiresAt.map(SaturatingTime.micros), SaturatingTime.sum(exp, parameters.leeway) < now {
            return ("expired", "that had expired \(Duration.describe(SaturatingTime.difference(now, exp))) before")
        }
        if let nbf = event.notBefore.map(SaturatingTime.micros), nbf > SaturatingTime.sum(now, parameters.leeway) {
            let ahead = Duration.describe(SaturatingTime.difference(nbf, now))
            return ("not_yet_valid", "whose nbf lies \(ahead) in the future")
        }
        if let alg = event.algorithm, Algorithm.isNone(alg) {
            return ("alg_none", "with alg none")
        }
        if event.tokenType != .refresh, let maxLifetime = parameters.maxLifetime, let exp = event.expiresAt,
            let iat = event.issuedAt
        {
            let lifetime = SaturatingTime.micros(seconds: SaturatingTime.difference(exp, iat))
            if lifetime > maxLifetime {
                return ("lifetime", "living \(Duration.describe(lifetime)), above the policy's "
                    + Duration.describe(maxLifetime))
            }
        }
        if parameters.requireAudience && event.audience == nil {
            return ("missing_aud", "without aud")
        }
        return nil
    }
}
