/// What the load generator produces: how many events, over how many connections, from when,
/// at what pace of event time, for which seed.
public struct TrafficConfiguration: Sendable, Hashable {
    /// Seed of every random choice: the same configuration always yields the same bytes. Default 1.
    public var seed: UInt64 = 1
    /// Events over all connections. Default 100,000.
    public var events: Int = 100_000
    /// Connections; each is an independent producer with its own `seq` (1, 2, 3...) and its own
    /// share of the events (the first `events % connections` get one more). Default 1.
    public var connections: Int = 1
    /// `ts` of the first event, microseconds since the epoch. Default 2025-01-01T00:00:00Z.
    public var startMicros: Int64 = 1_735_689_600_000_000
    /// Events per second of event time over all connections: `events` events span about
    /// `events / eventsPerSecond` seconds from ``startMicros`` (a scenario may need more event
    /// time: see ``effectiveEventsPerSecond``). Default 10,000.
    public var eventsPerSecond: Double = 10_000
    /// Share of all events that are rejected validations, as long as no address, subject or
    /// OAuth client would come near a detector's threshold (see docs/loadgen.md: long runs at a
    /// high rate reach the per-address budget and reject less). Default 0.05.
    public var rejectionShare: Double = 0.05
    /// Distinct subjects (`sub`). Default 100,000.
    public var subjects: Int = 100_000
    /// Distinct client addresses (`client_ip`). Default 50,000.
    public var addresses: Int = 50_000

    /// The attack mixed into the benign traffic (into connection 0); nil for benign traffic only.
    /// Default nil.
    public var scenario: AttackScenario? = nil
    /// Where the attack starts, as a share of the event-time span (0 to 0.75; the scenario's
    /// warmup may start it later). Default 0.1.
    public var attackAt: Double = 0.1

    /// The default configuration.
    public init() {}

    /// A configuration with the given seed and event count, other settings at their defaults.
    public init(seed: UInt64, events: Int, connections: Int = 1) {
        self.seed = seed
        self.events = events
        self.connections = connections
    }

    /// How many events connection `index` carries.
    public func events(forConnection index: Int) -> Int {
        precondition(index >= 0 && index < connections, "no such connection")
        return events / connections + (index < events % connections ? 1 : 0)
    }

    /// Seconds of event time the events span: `events / eventsPerSecond`, or the scenario's
    /// ``AttackScenario/minimumSpanSeconds(attackAt:)`` when that is longer.
    public var spanSeconds: Double {
        let span = Double(events) / eventsPerSecond
        guard let scenario else { return span }
        return max(span, scenario.minimumSpanSeconds(attackAt: attackAt))
    }

    /// The pace of event time actually used: ``eventsPerSecond``, lowered when the scenario needs
    /// a longer span than the events would cover (simulated time).
    public var effectiveEventsPerSecond: Double {
        guard events > 0 else { return eventsPerSecond }
        return min(eventsPerSecond, Double(events) / spanSeconds)
    }

    /// When the attack starts, microseconds since the epoch (nil without a scenario): at
    /// ``attackAt`` of the span, but not before the scenario's warmup.
    public var attackStartMicros: Int64? {
        guard let scenario else { return nil }
        let offset = max(attackAt * spanSeconds, scenario.warmupSeconds)
        return startMicros + Int64(offset * 1_000_000)
    }
}
