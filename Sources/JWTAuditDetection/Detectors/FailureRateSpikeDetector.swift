import JWTAuditModel

/// `failure_rate_spike`: a service's rejection rate in the current minute (event time) far above its
/// learned baseline: z-score at least `z_score` and at least `threshold` rejections. The baseline is
/// an exponentially weighted mean and variance of the per-minute rejection ratio, trusted after
/// `warmup_minutes` minutes with events; a minute that fired does not feed the baseline. A burst of
/// normal traffic raises rejections and acceptances alike and leaves the ratio where it was.
final class FailureRateSpikeDetector: Detector {
    private var settings: RuleSettings
    private var services: [String: ServiceRates] = [:]
    private let capacity: Int
    private static let minute: Int64 = 60_000_000
    /// Weight of the newest minute in the baseline.
    private static let smoothing = 0.1
    /// The smallest standard deviation used, so a flat baseline does not make every wobble a spike.
    private static let deviationFloor = 0.01

    private struct ServiceRates {
        var minute: Int64 = .min
        var total = 0
        var rejected = 0
        var fired = false
        var mean = 0.0
        var variance = 0.0
        var minutes = 0

        /// Moves to `minute`, folding the finished one into the baseline.
        mutating func roll(to next: Int64) {
            if minute != .min && total > 0 && !fired {
                let ratio = Double(rejected) / Double(total)
                if minutes == 0 {
                    mean = ratio
                } else {
                    let delta = ratio - mean
                    mean += FailureRateSpikeDetector.smoothing * delta
                    variance = (1 - FailureRateSpikeDetector.smoothing) * (variance + FailureRateSpikeDetector.smoothing * delta * delta)
                }
                minutes += 1
            }
            minute = next
            total = 0
            rejected = 0
            fired = false
        }

        func zScore() -> Double {
            let ratio = Double(rejected) / Double(max(total, 1))
            return (ratio - mean) / max(variance.squareRoot(), FailureRateSpikeDetector.deviationFloor)
        }
    }

    init(rules: RuleSet, limits: DetectionLimits) {
        settings = rules.settings(.failureRateSpike)
        capacity = limits.maxKeysPerTable
    }

    func apply(_ rules: RuleSet) { settings = rules.settings(.failureRateSpike) }
    var keyCount: Int { services.count }
    var evictions: Int { 0 }

    func observe(_ event: AuditEvent, _ context: inout DetectionContext) {
        guard event.kind == .validate else { return }
        let minute = event.timestamp / Self.minute
        guard services[event.service] != nil || services.count < capacity else { return }
        let (enabled, warmup, threshold, zScore) = settings.read(for: event.service) {
            ($0.enabled, $0.warmupMinutes, $0.threshold, $0.zScore)
        }
        var finding: (Int, Double)?
        modify(event.service) { rates in
            if minute > rates.minute {
                rates.roll(to: minute)
            } else if minute < rates.minute {
                return  // a late event of a minute already closed
            }
            rates.total += 1
            guard event.outcome == .rejected else { return }
            rates.rejected += 1
            guard enabled, !rates.fired, rates.minutes >= warmup, rates.rejected >= threshold else { return }
            let z = rates.zScore()
            if z >= zScore {
                rates.fired = true
                finding = (rates.rejected, z)
            }
        }
        guard let (rejected, z) = finding else { return }
        let parameters = settings.parameters(for: event.service)
        let mean = services[event.service]!.mean
        context.findings.report(
            .failureRateSpike, parameters, key: AlertKey("service", event.service), event: event, count: rejected,
            firstSeen: minute * Self.minute,
            summary: "service \(event.service): \(rejected) rejections this minute, z-score \(Int(z)) above a "
                + "baseline rejection rate of \(Self.percent(mean))"
        )
    }

    private func modify(_ service: String, _ body: (inout ServiceRates) -> Void) {
        body(&services[service, default: ServiceRates()])
    }

    private static func percent(_ ratio: Double) -> String {
        let tenths = Int((ratio * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }
}
