import JWTAuditModel

/// One rule's logic and state. Detectors are owned by one ``DetectionEngine`` and called from one
/// thread; each sees every event, so one rule never hides another's matches.
protocol Detector: AnyObject {
    /// Looks at one event.
    func observe(_ event: AuditEvent, _ context: inout DetectionContext)
    /// Time passed (after a batch and on the engine's timer): fire absence rules, close windows,
    /// drop state that can no longer matter.
    func tick(_ context: inout DetectionContext)
    /// Takes new rules, keeping state where the rule still runs.
    func apply(_ rules: RuleSet)
    /// Keys held, and live keys evicted for lack of room.
    var keyCount: Int { get }
    var evictions: Int { get }
}

extension Detector {
    func tick(_ context: inout DetectionContext) {}
}

/// What detectors share during one call: the clocks, limits and the findings being gathered.
struct DetectionContext {
    var findings: FindingCollector
    /// The newest event time seen (microseconds).
    var watermark: Int64
    /// The engine's clock: wall time live, the newest `received_at` in a backtest (microseconds).
    var now: Int64
    /// How far behind the watermark an event may be and still count.
    var lateness: Int64
    let limits: DetectionLimits
    /// Whether this tick should also drop stale state (about every 10 s, not on every batch).
    var pruning = false

    /// The oldest event time a window of `window` still needs.
    @inline(__always)
    func horizon(_ window: Int64) -> Int64 { watermark &- window &- lateness }
}
