import JWTAuditModel

/// `retired_key`: a `kid` marked retired in the rules (critical when accepted), or a burst of
/// `key_unknown` rejections with `threshold` distinct `kid`s for an issuer within `window` after a
/// key rotation (a new `kid` first accepted for an issuer whose keys were learned: seen for 30 s).
final class RetiredKeyDetector: Detector {
    private var settings: RuleSettings
    private var retired: Set<String> = []
    private var issuers: [String: IssuerKeys] = [:]
    private var unknownAfterRotation: ThresholdCounter
    private let capacity: Int

    /// How long an issuer's accepted keys are learned before a new one counts as a rotation: several
    /// keys are often valid at once, and all of them show up in the first seconds of traffic.
    static let learning: Int64 = 30_000_000

    private struct IssuerKeys {
        var kids: Set<String> = []
        var firstSeen: Int64
        var rotatedAt: Int64?

        /// Adds a newly accepted `kid`; a new key once the issuer's keys are learned is a rotation.
        mutating func update(_ kid: String, at time: Int64) {
            if !kids.isEmpty && time - firstSeen >= RetiredKeyDetector.learning { rotatedAt = time }
            if kids.count >= 32 { kids.removeFirst() }
            kids.insert(kid)
        }
    }

    init(rules: RuleSet, limits: DetectionLimits) {
        settings = rules.settings(.retiredKey)
        capacity = limits.maxKeysPerTable
        unknownAfterRotation = ThresholdCounter(capacity: limits.maxKeysPerTable)
        retired = Self.retiredKeys(settings)
    }

    func apply(_ rules: RuleSet) {
        settings = rules.settings(.retiredKey)
        retired = Self.retiredKeys(settings)
    }

    private static func retiredKeys(_ settings: RuleSettings) -> Set<String> {
        Set(settings.base.retiredKeyIDs + settings.services.values.flatMap(\.retiredKeyIDs))
    }

    var keyCount: Int { issuers.count + unknownAfterRotation.table.count }
    var evictions: Int { unknownAfterRotation.table.evictions }

    func observe(_ event: AuditEvent, _ context: inout DetectionContext) {
        guard let kid = event.keyID else { return }
        if !retired.isEmpty && retired.contains(kid) {
            let parameters = settings.parameters(for: event.service)
            if parameters.enabled && parameters.retiredKeyIDs.contains(kid) {
                let accepted = event.outcome == .accepted
                context.findings.report(
                    .retiredKey, parameters, severity: accepted ? .critical : nil,
                    key: AlertKey.of(event, "iss", "kid"), event: event,
                    summary: "retired key \(kid) used at \(event.service)" + (accepted ? " and accepted" : "")
                )
            }
        }
        guard let issuer = event.issuer else { return }
        if event.outcome == .accepted {
            learn(kid, issuer: issuer, at: event.timestamp)
        } else if event.reason == .keyUnknown, let rotatedAt = issuers[issuer]?.rotatedAt {
            let parameters = settings.parameters(for: event.service)
            guard parameters.enabled, event.timestamp >= rotatedAt, event.timestamp - rotatedAt <= parameters.window
            else { return }
            let count = unknownAfterRotation.add(
                key: KeyHash.of(issuer), time: event.timestamp, value: KeyHash.of(kid),
                threshold: parameters.threshold, window: parameters.window, context: context
            )
            guard count > 0 else { return }
            context.findings.report(
                .retiredKey, parameters, key: AlertKey("iss", issuer), event: event, count: count,
                summary: "\(parameters.threshold) unknown kids for issuer \(issuer) right after its key rotation"
            )
        }
    }

    private func learn(_ kid: String, issuer: String, at time: Int64) {
        if let known = issuers[issuer]?.kids, known.contains(kid) { return }
        guard issuers[issuer] != nil || issuers.count < capacity else { return }
        issuers[issuer, default: IssuerKeys(firstSeen: time)].update(kid, at: time)
    }

    func tick(_ context: inout DetectionContext) {
        if context.pruning { unknownAfterRotation.prune(window: settings.base.window, context: context) }
    }
}
