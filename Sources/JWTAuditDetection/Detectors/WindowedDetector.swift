import JWTAuditModel

/// A built-in threshold rule: events that match, counted (or their distinct values counted) per
/// key over the rule's window. A rule with several groupings (`client_ip` or `sub`) counts each
/// on its own.
final class WindowedDetector: Detector {
    let rule: BuiltInRule
    private var settings: RuleSettings
    private let matches: (AuditEvent) -> Bool
    private let groups: [KeyField]
    private let distinct: EventField?
    private var counters: [ThresholdCounter]

    init(
        _ rule: BuiltInRule, rules: RuleSet, limits: DetectionLimits, groups: [KeyField], distinct: EventField? = nil,
        matches: @escaping (AuditEvent) -> Bool
    ) {
        self.rule = rule
        settings = rules.settings(rule)
        self.matches = matches
        self.groups = groups
        self.distinct = distinct
        counters = groups.map { _ in ThresholdCounter(capacity: limits.maxKeysPerTable) }
    }

    func apply(_ rules: RuleSet) { settings = rules.settings(rule) }

    /// Drops the counts kept per `field`. (A value counted as distinct under another key is held
    /// only as a 64-bit hash, and ages out with the window.)
    func forget(_ field: KeyField, hash: Int) {
        for (position, group) in groups.enumerated() where group == field {
            counters[position].remove(key: hash)
        }
    }

    var keyCount: Int { counters.reduce(0) { $0 + $1.table.count } }
    var evictions: Int { counters.reduce(0) { $0 + $1.table.evictions } }

    func observe(_ event: AuditEvent, _ context: inout DetectionContext) {
        guard matches(event) else { return }
        let (enabled, threshold, window) = settings.read(for: event.service) { ($0.enabled, $0.threshold, $0.window) }
        guard enabled else { return }
        var distinctHash: Int?
        if let distinct {
            guard let value = distinct.value(in: event) else { return }
            switch distinct {
            case .clientIP: distinctHash = context.hash(.clientIP, value)
            case .sub: distinctHash = context.hash(.subject, value)
            default: distinctHash = KeyHash.of(value)
            }
        }
        for (position, group) in groups.enumerated() {
            guard let value = group.value(in: event) else { continue }
            let count = counters[position].add(
                key: context.hash(group, value), time: event.timestamp, value: distinctHash, threshold: threshold,
                window: window, context: context
            )
            guard count > 0 else { continue }
            let parameters = settings.parameters(for: event.service)
            context.findings.report(
                rule, parameters, key: AlertKey(group.name, value), event: event, count: count,
                summary: self.summary(group.name, value, parameters)
            )
        }
    }

    func tick(_ context: inout DetectionContext) {
        guard context.pruning else { return }
        let window = settings.services.values.reduce(settings.base.window) { max($0, $1.window) }
        for index in counters.indices { counters[index].prune(window: window, context: context) }
    }

    private func summary(_ name: String, _ value: String, _ parameters: RuleParameters) -> String {
        let counted = distinct.map { "distinct \($0.name) values in" } ?? "events in"
        return "\(rule.id): \(name) \(value) reached \(parameters.threshold) \(counted) "
            + "\(Duration.describe(parameters.window))"
    }
}

extension Duration {
    /// `90s`, `5m`, `2h`: microseconds as a short human duration.
    static func describe(_ micros: Int64) -> String {
        let seconds = micros / 1_000_000
        if seconds % 3600 == 0 && seconds >= 3600 { return "\(seconds / 3600)h" }
        if seconds % 60 == 0 && seconds >= 60 { return "\(seconds / 60)m" }
        return "\(seconds)s"
    }
}
