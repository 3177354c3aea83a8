import JWTAuditModel

/// A rule from the rules file: threshold, sequence (A then B) or absence (A without B), per key of
/// its `group_by` fields. Events lacking a key field are not counted.
final class CustomRuleDetector: Detector {
    let rule: CustomRule
    private var counter: ThresholdCounter
    private var pending: BoundedTable<Pending>
    /// The earliest time a pending absence may fire; `tick` scans only once it has passed.
    private var nextDeadline = Int64.max

    private struct Pending {
        var first: Int64
        var sample: AuditEvent?
    }

    init(_ rule: CustomRule, limits: DetectionLimits) {
        self.rule = rule
        counter = ThresholdCounter(capacity: limits.maxKeysPerTable)
        pending = BoundedTable(capacity: limits.maxKeysPerTable)
    }

    func apply(_ rules: RuleSet) {}
    var keyCount: Int { counter.table.count + pending.count }
    var evictions: Int { counter.table.evictions + pending.evictions }

    func observe(_ event: AuditEvent, _ context: inout DetectionContext) {
        switch rule.logic {
        case .threshold(let match, let threshold, let distinct):
            guard match.matches(event), let (key, hash) = key(of: event) else { return }
            var distinctHash: Int?
            if let distinct {
                guard let value = distinct.value(in: event) else { return }
                distinctHash = KeyHash.of(value)
            }
            let count = counter.add(
                key: hash, time: event.timestamp, value: distinctHash, threshold: threshold, window: rule.window,
                context: context
            )
            if count > 0 {
                report(key, event: event, count: count, &context, "\(rule.id): \(key) reached \(threshold)")
            }
        case .sequence(let first, let then):
            guard let (key, hash) = key(of: event) else { return }
            if then.matches(event), let started = pending[hash], event.timestamp >= started.first,
                event.timestamp - started.first <= rule.window
            {
                pending.remove(hash)
                report(key, event: event, count: 2, firstSeen: started.first, &context, "\(rule.id): \(key)")
            } else if first.matches(event) {
                remember(hash, event, context)
            }
        case .absence(let first, let then):
            guard let (_, hash) = key(of: event) else { return }
            if then.matches(event), let started = pending[hash], event.timestamp >= started.first {
                pending.remove(hash)
            } else if first.matches(event), pending[hash] == nil {
                remember(hash, event, context)
                nextDeadline = min(nextDeadline, event.timestamp &+ rule.window)
            }
        }
    }

    private func remember(_ hash: Int, _ event: AuditEvent, _ context: DetectionContext) {
        let keepsSample: Bool
        if case .absence = rule.logic { keepsSample = true } else { keepsSample = false }
        pending.update(hash, at: event.timestamp, horizon: context.horizon(rule.window), make: { Pending(first: event.timestamp) }) {
            $0.first = event.timestamp
            if keepsSample { $0.sample = event }
        }
    }

    func tick(_ context: inout DetectionContext) {
        switch rule.logic {
        case .threshold:
            if context.pruning { counter.prune(window: rule.window, context: context) }
        case .sequence:
            if context.pruning { pending.prune(before: context.horizon(rule.window)) }
        case .absence:
            let due = context.horizon(0)
            guard due >= nextDeadline else { return }
            nextDeadline = .max
            for (hash, slot) in pending.entries {
                let deadline = slot.value.first &+ rule.window
                guard deadline <= due else {
                    nextDeadline = min(nextDeadline, deadline)
                    continue
                }
                pending.remove(hash)
                guard let sample = slot.value.sample, let (key, _) = key(of: sample) else { continue }
                report(key, event: sample, count: 1, &context, "\(rule.id): \(key), nothing followed within "
                    + Duration.describe(rule.window))
            }
        }
    }

    private func key(of event: AuditEvent) -> (AlertKey, Int)? {
        var fields: [AlertKey.Field] = []
        fields.reserveCapacity(rule.groupBy.count)
        var hasher = Hasher()
        for field in rule.groupBy {
            guard let value = field.value(in: event) else { return nil }
            fields.append(AlertKey.Field(field.name, value))
            hasher.combine(value)
        }
        return (AlertKey(fields), hasher.finalize())
    }

    private func report(
        _ key: AlertKey, event: AuditEvent, count: Int, firstSeen: Int64? = nil, _ context: inout DetectionContext,
        _ summary: @autoclosure () -> String
    ) {
        context.findings.report(
            rule.id, severity: rule.severity, key: key, event: event, count: count, firstSeen: firstSeen,
            lastSeen: nil, summary: rule.description.isEmpty ? summary() : "\(rule.description) (\(key))",
            techniques: rule.techniques, tags: rule.tags, suppression: rule.suppression
        )
    }
}
