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
    /// Drops state kept under the value of `field` whose ``KeyHash`` is `hash` (erasure).
    func forget(_ field: KeyField, hash: Int)
    /// Keys held, and live keys evicted for lack of room.
    var keyCount: Int { get }
    var evictions: Int { get }
}

extension Detector {
    func tick(_ context: inout DetectionContext) {}
    func forget(_ field: KeyField, hash: Int) {}
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
    /// Hashes of the current event's key fields, computed once for all rules.
    var hashes = (clientIP: 0, subject: 0, tokenID: 0, clientID: 0)
    var hashed: UInt8 = 0

    /// Starts a new event: forgets the previous event's hashes.
    @inline(__always)
    mutating func begin() { hashed = 0 }

    /// The hash of `field` of the current event (`client_ip`, `sub`, `jti` or `client_id`).
    @inline(__always)
    mutating func hash(_ field: KeyField, _ value: String) -> Int {
        let bit = UInt8(1) << field.rawValue
        if hashed & bit != 0 {
            switch field {
            case .clientIP: return hashes.clientIP
            case .subject: return hashes.subject
            case .tokenID: return hashes.tokenID
            case .clientID: return hashes.clientID
            }
        }
        let hash = KeyHash.of(value)
        hashed |= bit
        switch field {
        case .clientIP: hashes.clientIP = hash
        case .subject: hashes.subject = hash
        case .tokenID: hashes.tokenID = hash
        case .clientID: hashes.clientID = hash
        }
        return hash
    }

    /// The oldest event time a window of `window` still needs.
    @inline(__always)
    func horizon(_ window: Int64) -> Int64 {
        watermark == .min ? .min : watermark &- window &- lateness
    }
}

/// Event fields many rules key by, whose hashes the context computes once per event.
enum KeyField: UInt8 {
    case clientIP, subject, tokenID, clientID

    /// The wire name, used in alert keys.
    var name: String {
        switch self {
        case .clientIP: "client_ip"
        case .subject: "sub"
        case .tokenID: "jti"
        case .clientID: "client_id"
        }
    }

    @inline(__always)
    func value(in event: AuditEvent) -> String? {
        switch self {
        case .clientIP: event.clientIP
        case .subject: event.subject
        case .tokenID: event.tokenID
        case .clientID: event.clientID
        }
    }
}
