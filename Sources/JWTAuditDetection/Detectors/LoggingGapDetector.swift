import JWTAuditModel

/// `logging_gap`: a service that emitted steadily (events in a run of at least `warmup_minutes`
/// minutes, at most one of them empty) is silent for longer than its expected interval: the larger of `silence` and ten times
/// its mean gap between events. Judged on `received_at` against the engine's clock, so a service
/// whose own clock is off does not look silent; the engine's timer makes it fire without traffic.
final class LoggingGapDetector: Detector {
    private var settings: RuleSettings
    private var services: [String: Activity] = [:]
    private let capacity: Int

    private struct Activity {
        var first: Int64
        var last: Int64
        var lastEventTime: Int64
        var events = 0
        var minute: Int64 = .min
        var minutes = 0
        var reported = false
    }

    init(rules: RuleSet, limits: DetectionLimits) {
        settings = rules.settings(.loggingGap)
        capacity = limits.maxKeysPerTable
    }

    func apply(_ rules: RuleSet) { settings = rules.settings(.loggingGap) }
    var keyCount: Int { services.count }
    var evictions: Int { 0 }

    func observe(_ event: AuditEvent, _ context: inout DetectionContext) {
        let seen = event.receivedAt != 0 ? event.receivedAt : event.timestamp
        if services[event.service] == nil {
            guard services.count < capacity else { return }
            services[event.service] = Activity(first: seen, last: seen, lastEventTime: event.timestamp)
        }
        Self.record(&services[event.service]!, seen: seen, eventTime: event.timestamp)
    }

    @inline(__always)
    private static func record(_ activity: inout Activity, seen: Int64, eventTime: Int64) {
        activity.events += 1
        if seen > activity.last {
            activity.last = seen
            activity.lastEventTime = eventTime
            activity.reported = false
        }
        let minute = seen / 60_000_000
        if minute > activity.minute {
            // A steady run allows one empty minute; a longer pause starts a new run.
            activity.minutes = minute > activity.minute &+ 2 ? 1 : activity.minutes + 1
            activity.minute = minute
        }
    }

    func tick(_ context: inout DetectionContext) {
        for (service, activity) in services where !activity.reported {
            let parameters = settings.parameters(for: service)
            guard parameters.enabled, activity.minutes >= parameters.warmupMinutes else { continue }
            let meanGap = (activity.last - activity.first) / Int64(max(activity.events - 1, 1))
            let expected = max(parameters.silence, meanGap &* 10)
            let silent = context.now - activity.last
            guard silent > expected else { continue }
            services[service]!.reported = true
            context.findings.report(
                .loggingGap, parameters, key: AlertKey("service", service), event: nil,
                firstSeen: activity.lastEventTime, lastSeen: activity.lastEventTime,
                summary: "service \(service) has sent no event for \(Duration.describe(silent)); it emitted "
                    + "steadily before (expected interval at most \(Duration.describe(expected)))"
            )
        }
    }
}
