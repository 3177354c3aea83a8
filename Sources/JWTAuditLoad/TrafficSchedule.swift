/// The event-time plan that every connection of a load shares: the span, when each issuer
/// rotates its signing key, which connection logs each of the few `key_unknown` that follow a
/// rotation (services whose key cache is stale), and the attack.
///
/// Derived from the configuration alone, so that every connection's generator agrees on it.
struct TrafficSchedule: Sendable {
    /// A `key_unknown` that a stale key cache causes after a rotation.
    struct StaleKeyEvent: Sendable {
        var micros: Int64
        var issuer: Int
        var connection: Int
    }

    let startMicros: Int64
    let spanMicros: Int64
    /// Per issuer: when its last key id replaces the one before it.
    let rotationMicros: [Int64]
    /// In time order.
    let staleKeyEvents: [StaleKeyEvent]
    let plan: ScenarioPlan?
    /// The silenced service's index (-1: none) and its silence.
    let silencedService: Int
    let silenceFrom: Int64
    let silenceUntil: Int64

    /// After a rotation, newly minted tokens still carry the previous key id for this long.
    static let overlapMicros: Int64 = 300_000_000
    /// `key_unknown` events per rotation, over all connections: a few, far below any threshold.
    static let staleKeyEventsPerRotation = 2

    init(configuration: TrafficConfiguration, universe: TrafficUniverse) {
        precondition(configuration.attackAt >= 0 && configuration.attackAt <= 0.75, "attackAt lies in 0...0.75")
        startMicros = configuration.startMicros
        spanMicros = Int64(configuration.spanSeconds * 1_000_000)
        let rotations = Self.rotationMicros(configuration: configuration, issuers: universe.issuers.count)
        rotationMicros = rotations
        var random = Xoshiro256StarStar(seed: SplitMix64.mix(configuration.seed ^ 0x57A1_ECAC_4E00))
        var stale: [StaleKeyEvent] = []
        let spread = max(1, min(60_000_000, spanMicros / 10))
        for (issuer, rotation) in rotations.enumerated() where rotation != .max {
            for index in 0..<Self.staleKeyEventsPerRotation {
                let delay = Int64(random.below(Int(spread)))
                let connection = (issuer * Self.staleKeyEventsPerRotation + index) % max(1, configuration.connections)
                stale.append(StaleKeyEvent(micros: rotation + delay, issuer: issuer, connection: connection))
            }
        }
        staleKeyEvents = stale.sorted { $0.micros < $1.micros }
        let plan = configuration.scenario.map { _ in ScenarioPlan(configuration: configuration, universe: universe) }
        self.plan = plan
        if let silence = plan?.silence, let index = universe.serviceNames.firstIndex(of: silence.service) {
            silencedService = index
            silenceFrom = silence.fromMicros
            silenceUntil = silence.untilMicros
        } else {
            silencedService = -1
            silenceFrom = 0
            silenceUntil = 0
        }
    }

    /// When each issuer rotates: issuer i at 20 + 15·i percent of the span. The `retired_key`
    /// scenario moves the main issuer's rotation to the attack's start; in the `key_probe` and
    /// `header_injection` scenarios no key rotates (their unknown kids would look like a burst
    /// after a rotation, which is `retired_key`'s pattern).
    static func rotationMicros(configuration: TrafficConfiguration, issuers: Int) -> [Int64] {
        if configuration.scenario == .keyProbe || configuration.scenario == .headerInjection {
            return Array(repeating: .max, count: issuers)
        }
        let span = configuration.spanSeconds
        var rotations = (0..<issuers).map { issuer in
            configuration.startMicros + Int64(span * (0.2 + 0.15 * Double(issuer)) * 1_000_000)
        }
        if configuration.scenario == .retiredKey, let attack = configuration.attackStartMicros {
            rotations[ScenarioBuilder.mainIssuer] = attack
        }
        return rotations
    }
}
