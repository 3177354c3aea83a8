import JWTAuditModel

/// Runs every rule over batches of events and a clock, and returns findings. No I/O: the daemon
/// feeds it committed batches and a one-second timer, `rules test` feeds it stored events, and
/// tests feed it a manual clock.
///
/// Windows run on event time (`ts`). The watermark is the newest event time seen (never more than
/// `lateness` ahead of the clock, so one producer with a wrong clock cannot age everyone's windows);
/// events up to `lateness` behind it still count. ``advance(now:)`` fires absence rules and
/// `logging_gap` without new traffic. Not thread-safe: one owner calls it.
public final class DetectionEngine {
    public private(set) var rules: RuleSet
    public let limits: DetectionLimits
    public let ledger: RefreshTokenLedger
    private var builtIn: [Detector]
    private var custom: [CustomRuleDetector]
    private var watermark = Int64.min
    private var now = Int64.min
    private var lastPrune = Int64.min
    private var lateEvents = 0
    private var events = 0
    private var eventLoss: RuleSettings

    /// How often (engine clock) stale state is dropped.
    static let pruneInterval: Int64 = 10_000_000

    public init(rules: RuleSet = .defaults, ledger: RefreshTokenLedger? = nil, limits: DetectionLimits = DetectionLimits()) {
        self.rules = rules
        self.limits = limits
        let ledger = ledger ?? RefreshTokenLedger(capacity: limits.maxLedgerEntries)
        self.ledger = ledger
        builtIn = Self.builtInDetectors(rules, ledger, limits)
        custom = rules.custom.map { CustomRuleDetector($0, limits: limits) }
        eventLoss = rules.settings(.eventLoss)
    }

    /// Takes new rules; state of rules that still run is kept.
    public func replaceRules(_ rules: RuleSet) {
        self.rules = rules
        for detector in builtIn { detector.apply(rules) }
        let existing = Dictionary(custom.map { ($0.rule, $0) }, uniquingKeysWith: { first, _ in first })
        custom = rules.custom.map { existing[$0] ?? CustomRuleDetector($0, limits: limits) }
        eventLoss = rules.settings(.eventLoss)
    }

    /// Looks at a batch of events at engine time `now` (microseconds: wall clock live, newest
    /// `received_at` in a backtest) and returns what the rules found, one finding per rule and key.
    public func process(_ batch: [AuditEvent], now: Int64) -> [Finding] {
        var context = makeContext(now: now)
        let ceiling = now == .min ? Int64.max : now &+ rules.lateness
        batch.withUnsafeBufferPointer { events in
            for index in events.indices {
                observe(events[index], ceiling: ceiling, &context)
            }
        }
        events += batch.count
        return finish(&context)
    }

    /// One event through every rule. `event` is borrowed: each rule reads it where it lies.
    /// (Passing an array element straight to each rule instead copies the event, about 20 strings
    /// retained and released, for every rule.)
    private func observe(_ event: AuditEvent, ceiling: Int64, _ context: inout DetectionContext) {
        let time = min(event.timestamp, ceiling)
        if time > context.watermark {
            context.watermark = time
        } else if event.timestamp < context.watermark &- rules.lateness {
            lateEvents += 1
        }
        context.begin()
        for detector in builtIn { detector.observe(event, &context) }
        for detector in custom { detector.observe(event, &context) }
    }

    /// Moves the clock to `now` with no new events: absence rules and `logging_gap` fire, stale state
    /// goes. Live, the daemon calls this every second.
    public func advance(now: Int64) -> [Finding] {
        var context = makeContext(now: now)
        return finish(&context)
    }

    /// An `event_loss` finding for events the pipeline lost or refused.
    public func report(_ loss: EventLoss) -> [Finding] {
        let parameters = eventLoss.base
        guard parameters.enabled, loss.count > 0 else { return [] }
        var findings = FindingCollector(samplesPerFinding: limits.samplesPerFinding)
        let what: String
        switch loss.kind {
        case .sequenceGap: what = "producer \(loss.source) skipped \(loss.count) sequence numbers: events lost before jwtaudit"
        case .refused: what = "\(loss.source) refused \(loss.count) events it could not store"
        case .outputDropped: what = "\(loss.source) dropped \(loss.count) alerts it could not deliver"
        }
        findings.report(
            .eventLoss, parameters,
            key: AlertKey([AlertKey.Field("source", loss.source), AlertKey.Field("kind", loss.kind.rawValue)]),
            event: nil, count: loss.count, firstSeen: loss.at, lastSeen: loss.at, summary: what
        )
        return findings.take()
    }

    /// Drops detection state about `subject` (GDPR erasure): its refresh tokens and revocations,
    /// and the windows rules keep per `sub`.
    public func forget(subject: String) {
        ledger.forget(subject: subject)
        let hash = KeyHash.of(subject)
        for detector in builtIn { detector.forget(.subject, hash: hash) }
    }

    /// Drops detection state about `value` of `field` (`sub` or `client_ip`; other fields are
    /// ignored): see ``forget(subject:)``; for an address, the windows kept per `client_ip` and the
    /// address in ledger tokens.
    public func forget(_ field: EventField, value: String) {
        switch field {
        case .sub: forget(subject: value)
        case .clientIP:
            ledger.forget(clientIP: value)
            let hash = KeyHash.of(value)
            for detector in builtIn { detector.forget(.clientIP, hash: hash) }
        default: break
        }
    }

    public var statistics: DetectionStatistics {
        let detectors: [Detector] = builtIn + custom
        return DetectionStatistics(
            keys: detectors.reduce(0) { $0 + $1.keyCount }, evictions: detectors.reduce(0) { $0 + $1.evictions },
            ledgerEntries: ledger.count, lateEvents: lateEvents, events: events
        )
    }

    /// Ledger changes to persist since the last call.
    public func takeLedgerChanges() -> [LedgerChange] { ledger.takeChanges() }

    private func makeContext(now: Int64) -> DetectionContext {
        self.now = max(self.now, now)
        var context = DetectionContext(
            findings: FindingCollector(samplesPerFinding: limits.samplesPerFinding), watermark: watermark,
            now: self.now, lateness: rules.lateness, limits: limits
        )
        if self.now != .min && (lastPrune == .min || self.now &- lastPrune >= Self.pruneInterval) {
            context.pruning = true
            lastPrune = self.now
        }
        return context
    }

    private func finish(_ context: inout DetectionContext) -> [Finding] {
        watermark = context.watermark
        for detector in builtIn { detector.tick(&context) }
        for detector in custom { detector.tick(&context) }
        return context.findings.take()
    }

    private static func builtInDetectors(_ rules: RuleSet, _ ledger: RefreshTokenLedger, _ limits: DetectionLimits)
        -> [Detector]
    {
        return [
            AlgNoneDetector(rules: rules),
            AlgConfusionDetector(rules: rules, limits: limits),
            WindowedDetector(.bruteForceSignature, rules: rules, limits: limits, groups: [.clientIP]) {
                $0.reason == .badSignature
            },
            WindowedDetector(
                .tokenSpray, rules: rules, limits: limits, groups: [.clientIP], distinct: .sub
            ) {
                $0.outcome == .rejected && !ClockNoise.contains($0)
            },
            FailureRateSpikeDetector(rules: rules, limits: limits),
            RefreshReuseDetector(rules: rules, ledger: ledger),
            WindowedDetector(
                .tokenReplay, rules: rules, limits: limits, groups: [.tokenID], distinct: .clientIP
            ) {
                $0.kind == .validate && $0.tokenType == .access && $0.tokenID != nil
            },
            WindowedDetector(
                .keyProbe, rules: rules, limits: limits, groups: [.clientIP],
                distinct: .kid
            ) {
                $0.reason == .keyUnknown
            },
            WindowedDetector(
                .tokenSubstitution, rules: rules, limits: limits, groups: [.clientIP, .subject]
            ) {
                $0.reason == .audienceMismatch || $0.reason == .issuerMismatch
            },
            ValidatorMisconfigDetector(rules: rules),
            WindowedDetector(
                .expiredTokenStorm, rules: rules, limits: limits, groups: [.clientID, .clientIP]
            ) {
                $0.reason == .expired
            },
            FailuresThenSuccessDetector(rules: rules, limits: limits),
            HeaderInjectionDetector(rules: rules, limits: limits),
            RetiredKeyDetector(rules: rules, limits: limits),
            ClockSkewDetector(rules: rules),
            LoggingGapDetector(rules: rules, limits: limits),
        ]
    }
}
