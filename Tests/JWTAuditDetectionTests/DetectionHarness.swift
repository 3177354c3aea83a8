import JWTAuditDetection
import JWTAuditModel
import JWTAuditTesting

/// Feeds events to a ``DetectionEngine`` in batches with a manual clock and keeps what it found.
final class DetectionHarness {
    let engine: DetectionEngine
    private(set) var findings: [Finding] = []
    var clock = ManualClock()

    init(_ rules: RuleSet = .defaults, limits: DetectionLimits = DetectionLimits()) {
        engine = DetectionEngine(rules: rules, limits: limits)
    }

    /// Processes `events` as one batch; the clock moves to the newest `received_at`.
    @discardableResult
    func feed(_ events: [AuditEvent]) -> [Finding] {
        if let newest = events.map(\.receivedAt).max(), newest > clock.now {
            clock.advance(seconds: Double(newest - clock.now) / 1_000_000)
        }
        let found = engine.process(events, now: clock.now)
        findings += found
        return found
    }

    @discardableResult
    func feed(_ event: AuditEvent) -> [Finding] { feed([event]) }

    /// Moves the clock to `seconds` after the base time without events.
    @discardableResult
    func advance(to seconds: Double) -> [Finding] {
        let target = EventFactory.baseTime + Int64(seconds * 1_000_000)
        if target > clock.now { clock.advance(seconds: Double(target - clock.now) / 1_000_000) }
        let found = engine.advance(now: clock.now)
        findings += found
        return found
    }

    /// Findings of `rule`, merged across batches by key (summed counts).
    func fired(_ rule: BuiltInRule) -> [Finding] { fired(rule.id) }

    func fired(_ rule: String) -> [Finding] {
        var merged: [AlertKey: Finding] = [:]
        var order: [AlertKey] = []
        for finding in findings where finding.rule == rule {
            if var existing = merged[finding.key] {
                existing.count += finding.count
                existing.severity = max(existing.severity, finding.severity)
                existing.lastSeen = max(existing.lastSeen, finding.lastSeen)
                merged[finding.key] = existing
            } else {
                merged[finding.key] = finding
                order.append(finding.key)
            }
        }
        return order.map { merged[$0]! }
    }

    /// Rules that fired at `minimum` severity or above.
    func rules(atLeast minimum: Severity) -> Set<String> {
        Set(findings.filter { $0.severity >= minimum }.map(\.rule))
    }
}
