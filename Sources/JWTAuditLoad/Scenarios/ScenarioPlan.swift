/// The events and effects of one attack, placed in event time: what the generator mixes into
/// the benign traffic of connection 0 (a silence applies to every connection).
///
/// Attackers use addresses from the documentation ranges (198.51.100.0/24, 192.0.2.0/24,
/// 203.0.113.0/24) and subjects of their own, never the benign population's: so an attack sets
/// off its own rule and not, by accident, another one on a benign key.
public struct ScenarioPlan: Sendable {
    /// A service that emits nothing for a while (`logging_gap`).
    public struct Silence: Sendable, Hashable {
        /// The silent service.
        public var service: String
        /// First microsecond of the silence.
        public var fromMicros: Int64
        /// First microsecond after the silence.
        public var untilMicros: Int64
    }

    /// `seq` numbers the producer of connection 0 skips (`event_loss`).
    public struct SequenceGap: Sendable, Hashable {
        /// From this event time on, `seq` runs ahead.
        public var micros: Int64
        /// How many numbers are skipped.
        public var skipped: Int
    }

    /// The attack.
    public let scenario: AttackScenario
    /// When the attack starts, microseconds since the epoch.
    public let startMicros: Int64
    /// The attack's events, in time order.
    public internal(set) var events: [ScenarioEvent]
    /// The silence the attack causes, if any.
    public internal(set) var silence: Silence?
    /// The `seq` gap the attack causes, if any.
    public internal(set) var sequenceGap: SequenceGap?

    /// The plan of `configuration`'s scenario (nil when it has none), as the generator places it.
    public init?(configuration: TrafficConfiguration) {
        guard configuration.scenario != nil else { return nil }
        // Services, issuers and clients do not depend on the population's size.
        let universe = TrafficUniverse(seed: configuration.seed, subjects: 1, addresses: 1)
        self.init(configuration: configuration, universe: universe)
    }

    /// The plan of `configuration`'s scenario over `universe`; the configuration has a scenario.
    init(configuration: TrafficConfiguration, universe: TrafficUniverse) {
        let scenario = configuration.scenario!
        var builder = ScenarioBuilder(
            configuration: configuration,
            universe: universe,
            rotationMicros: TrafficSchedule.rotationMicros(
                configuration: configuration,
                issuers: universe.issuers.count
            )
        )
        builder.build(scenario)
        self.scenario = scenario
        startMicros = builder.start
        events = builder.events.sorted { $0.micros < $1.micros }
        silence = builder.silence
        sequenceGap = builder.sequenceGap
    }

    /// The attack's events as NDJSON lines (without `seq` and newline), stamped at their planned
    /// times.
    public var lines: [String] { events.map(\.line) }
}
