import JWTAuditModel

/// Gathers the findings of one batch (or one timer tick), folding those with the same rule and
/// key into one, so a burst of 10,000 events gives one finding per key, not 10,000.
struct FindingCollector {
    private(set) var findings: [Finding] = []
    private var index: [String: Int] = [:]
    let samplesPerFinding: Int

    init(samplesPerFinding: Int) {
        self.samplesPerFinding = samplesPerFinding
    }

    /// Records `count` events of `rule` for `key`, the latest being `event` (used as a sample).
    mutating func report(
        _ rule: String, severity: Severity, key: AlertKey, event: AuditEvent?, count: Int = 1,
        firstSeen: Int64? = nil, lastSeen: Int64? = nil, summary: @autoclosure () -> String,
        techniques: [String], tags: [String], suppression: Int64
    ) {
        let first = firstSeen ?? event?.timestamp ?? 0
        let last = lastSeen ?? event?.timestamp ?? first
        let identity = rule + "\u{0}" + key.description
        if let position = index[identity] {
            findings[position].count += count
            findings[position].firstSeen = min(findings[position].firstSeen, first)
            findings[position].lastSeen = max(findings[position].lastSeen, last)
            if severity > findings[position].severity {
                findings[position].severity = severity
                findings[position].summary = summary()
            }
            if let event, findings[position].samples.count < samplesPerFinding {
                findings[position].samples.append(EventReference(event))
            }
            return
        }
        index[identity] = findings.count
        findings.append(
            Finding(
                rule: rule, severity: severity, key: key, firstSeen: first, lastSeen: last, count: count,
                samples: event.map { [EventReference($0)] } ?? [], summary: summary(), techniques: techniques,
                tags: tags, suppressionWindow: suppression
            )
        )
    }

    /// Records a finding of a built-in rule with the rule's tags.
    @inline(__always)
    mutating func report(
        _ rule: BuiltInRule, _ parameters: RuleParameters, severity: Severity? = nil, key: AlertKey,
        event: AuditEvent?, count: Int = 1, firstSeen: Int64? = nil, lastSeen: Int64? = nil,
        summary: @autoclosure () -> String
    ) {
        report(
            rule.id, severity: severity ?? parameters.severity, key: key, event: event, count: count,
            firstSeen: firstSeen, lastSeen: lastSeen, summary: summary(), techniques: rule.techniques,
            tags: rule.tags, suppression: parameters.suppression
        )
    }

    mutating func take() -> [Finding] {
        defer {
            findings = []
            index = [:]
        }
        return findings
    }
}
