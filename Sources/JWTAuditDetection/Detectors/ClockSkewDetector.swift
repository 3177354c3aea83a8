import JWTAuditModel

/// `clock_skew`: a service accepts tokens whose `iat` or `nbf` lie in the future beyond leeway:
/// its clock or its check is off.
final class ClockSkewDetector: Detector {
    private var settings: RuleSettings

    init(rules: RuleSet) { settings = rules.settings(.clockSkew) }

    func apply(_ rules: RuleSet) { settings = rules.settings(.clockSkew) }
    var keyCount: Int { 0 }
    var evictions: Int { 0 }

    func observe(_ event: AuditEvent, _ context: inout DetectionContext) {
        guard event.outcome == .accepted else { return }
        let future = max(event.issuedAt ?? .min, event.notBefore ?? .min)
        guard future != .min else { return }
        let ahead = SaturatingTime.difference(SaturatingTime.micros(seconds: future), event.timestamp)
        guard settings.read(for: event.service, { $0.enabled && ahead > $0.leeway }) else { return }
        let parameters = settings.parameters(for: event.service)
        context.findings.report(
            .clockSkew, parameters, key: AlertKey("service", event.service), event: event,
            summary: "service \(event.service) accepted a token issued \(Duration.describe(ahead)) in its future"
        )
    }
}
