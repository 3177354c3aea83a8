import JWTAuditModel

/// `alg_confusion`: a rejection for `alg_not_allowed`, or an HMAC `alg` presented for an issuer whose
/// accepted tokens are asymmetric (learned: at least `threshold` accepted asymmetric tokens and no
/// accepted HMAC one). Critical when the service accepted the HMAC token.
final class AlgConfusionDetector: Detector {
    private var settings: RuleSettings
    private var issuers: [String: IssuerAlgorithms] = [:]
    private let capacity: Int

    private struct IssuerAlgorithms {
        var asymmetricAccepted = 0
        var hmacAccepted = 0
    }

    init(rules: RuleSet, limits: DetectionLimits) {
        settings = rules.settings(.algConfusion)
        capacity = limits.maxKeysPerTable
    }

    func apply(_ rules: RuleSet) { settings = rules.settings(.algConfusion) }
    var keyCount: Int { issuers.count }
    var evictions: Int { 0 }

    func observe(_ event: AuditEvent, _ context: inout DetectionContext) {
        guard event.kind == .validate, let alg = event.algorithm else {
            if event.reason == .algNotAllowed { report(event, &context, learned: false) }
            return
        }
        let hmac = Algorithm.isHMAC(alg)
        guard let issuer = event.issuer else {
            if event.reason == .algNotAllowed { report(event, &context, learned: false) }
            return
        }
        let threshold = settings.read(for: event.service) { $0.threshold }
        let learned = issuers[issuer] ?? IssuerAlgorithms()
        // An issuer counts as HMAC-using only after `threshold` accepted HMAC tokens, all of which
        // were reported before that: a forged token accepted once does not teach the detector.
        if hmac && learned.asymmetricAccepted >= threshold && learned.hmacAccepted < threshold {
            report(event, &context, learned: true)
        } else if event.reason == .algNotAllowed {
            report(event, &context, learned: false)
        }
        guard event.outcome == .accepted, hmac || Algorithm.isAsymmetric(alg) else { return }
        guard issuers[issuer] != nil || issuers.count < capacity else { return }
        if hmac {
            issuers[issuer, default: IssuerAlgorithms()].hmacAccepted += 1
        } else if learned.asymmetricAccepted < threshold {
            issuers[issuer, default: IssuerAlgorithms()].asymmetricAccepted += 1
        }
    }

    private func report(_ event: AuditEvent, _ context: inout DetectionContext, learned: Bool) {
        let parameters = settings.parameters(for: event.service)
        guard parameters.enabled else { return }
        let accepted = event.outcome == .accepted
        let alg = event.algorithm ?? "?"
        context.findings.report(
            .algConfusion, parameters, severity: accepted ? .critical : nil,
            key: AlertKey.of(event, "iss", "client_ip"), event: event,
            summary: learned
                ? "\(alg) token presented for issuer \(event.issuer ?? "?"), whose tokens are asymmetric"
                    + (accepted ? "; \(event.service) accepted it" : "")
                : "algorithm \(alg) refused by \(event.service) (alg_not_allowed)"
        )
    }
}
