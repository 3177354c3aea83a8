import JWTAuditModel

/// `failures_then_success`: at least `threshold` rejections for one `sub` or `client_ip`, then an
/// acceptance for it within `window`: a guess that worked. ``ClockNoise`` (a token just expired or
/// a little early) does not count: every deployment makes it, and it guesses nothing.
final class FailuresThenSuccessDetector: Detector {
    private var settings: RuleSettings
    private var bySubject: BoundedTable<EventWindow>
    private var byAddress: BoundedTable<EventWindow>

    init(rules: RuleSet, limits: DetectionLimits) {
        settings = rules.settings(.failuresThenSuccess)
        bySubject = BoundedTable(capacity: limits.maxKeysPerTable)
        byAddress = BoundedTable(capacity: limits.maxKeysPerTable)
    }

    func apply(_ rules: RuleSet) { settings = rules.settings(.failuresThenSuccess) }

    func forget(_ field: KeyField, hash: Int) {
        switch field {
        case .subject: bySubject.remove(hash)
        case .clientIP: byAddress.remove(hash)
        default: break
        }
    }
    var keyCount: Int { bySubject.count + byAddress.count }
    var evictions: Int { bySubject.evictions + byAddress.evictions }

    func observe(_ event: AuditEvent, _ context: inout DetectionContext) {
        guard event.kind == .validate else { return }
        if event.outcome == .rejected {
            guard !ClockNoise.contains(event) else { return }
            let (enabled, threshold, window) = settings.read(for: event.service) { ($0.enabled, $0.threshold, $0.window) }
            guard enabled else { return }
            let horizon = context.horizon(window)
            guard event.timestamp >= horizon else { return }
            let limit = max(threshold, 1)
            if let sub = event.subject {
                bySubject.update(context.hash(.subject, sub), at: event.timestamp, horizon: horizon, make: { EventWindow() }) {
                    $0.insert(event.timestamp, limit: limit)
                }
            }
            if let ip = event.clientIP {
                byAddress.update(context.hash(.clientIP, ip), at: event.timestamp, horizon: horizon, make: { EventWindow() }) {
                    $0.insert(event.timestamp, limit: limit)
                }
            }
        } else if event.outcome == .accepted && (bySubject.count > 0 || byAddress.count > 0) {
            if let sub = event.subject, bySubject.count > 0 {
                check(&bySubject, "sub", sub, context.hash(.subject, sub), event, &context)
            }
            if let ip = event.clientIP, byAddress.count > 0 {
                check(&byAddress, "client_ip", ip, context.hash(.clientIP, ip), event, &context)
            }
        }
    }

    private func check(
        _ table: inout BoundedTable<EventWindow>, _ name: String, _ value: String, _ key: Int, _ event: AuditEvent,
        _ context: inout DetectionContext
    ) {
        let (enabled, threshold, window) = settings.read(for: event.service) { ($0.enabled, $0.threshold, $0.window) }
        guard enabled,
            let (count, oldest) = table.read(key, {
                ($0.count(from: event.timestamp - window, to: event.timestamp), $0.oldest)
            }),
            count >= threshold
        else { return }
        table.remove(key)
        let parameters = settings.parameters(for: event.service)
        context.findings.report(
            .failuresThenSuccess, parameters, key: AlertKey(name, value), event: event, count: count + 1,
            firstSeen: oldest,
            summary: "\(count) rejections for \(name) \(value), then \(event.service) accepted a token"
        )
    }

    func tick(_ context: inout DetectionContext) {
        guard context.pruning else { return }
        let horizon = context.horizon(settings.services.values.reduce(settings.base.window) { max($0, $1.window) })
        bySubject.prune(before: horizon)
        byAddress.prune(before: horizon)
    }
}
