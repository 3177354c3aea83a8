import JWTAuditModel

/// `alg_none_attempt`: a token with `alg` none, or rejected for `alg_none`; critical when accepted.
final class AlgNoneDetector: Detector {
    private var settings: RuleSettings

    init(rules: RuleSet) { settings = rules.settings(.algNoneAttempt) }

    func apply(_ rules: RuleSet) { settings = rules.settings(.algNoneAttempt) }
    var keyCount: Int { 0 }
    var evictions: Int { 0 }

    func observe(_ event: AuditEvent, _ context: inout DetectionContext) {
        guard event.reason == .algNone || event.algorithm.map(Algorithm.isNone) == true else { return }
        let parameters = settings.parameters(for: event.service)
        guard parameters.enabled else { return }
        let accepted = event.outcome == .accepted
        context.findings.report(
            .algNoneAttempt, parameters, severity: accepted ? .critical : nil,
            key: AlertKey.of(event, "service", "client_ip"), event: event,
            summary: accepted
                ? "service \(event.service) accepted an unsigned token (alg none)"
                : "unsigned token (alg none) presented to \(event.service)"
        )
    }
}
