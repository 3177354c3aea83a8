/// Benign traffic with an attack mixed in, as lines: what a detection test feeds its engine.
///
/// ```swift
/// let lines = ScenarioTraffic.lines(events: 50_000, seed: 7, scenario: .tokenReplay)
/// ```
public enum ScenarioTraffic {
    /// 2025-01-01T00:00:00Z, the default start of the traffic.
    public static let defaultStartMicros: Int64 = 1_735_689_600_000_000

    /// The configuration these helpers generate: `events` events on one connection from
    /// `startMicros`, at the default pace of event time (lengthened if the scenario needs more).
    public static func configuration(
        events: Int,
        seed: UInt64,
        scenario: AttackScenario?,
        startMicros: Int64 = defaultStartMicros
    ) -> TrafficConfiguration {
        var configuration = TrafficConfiguration(seed: seed, events: events)
        configuration.startMicros = startMicros
        configuration.scenario = scenario
        return configuration
    }

    /// `events` lines (without `\n`) of benign traffic with `scenario` mixed in (nil: benign
    /// only), deterministic for `seed`, in time order.
    ///
    /// The attack's lines count among the `events`; give at least 10,000 events so the attack
    /// stays a small part of them (the `failure_rate_spike` attack alone has 300 or more).
    public static func lines(
        events: Int,
        seed: UInt64,
        scenario: AttackScenario?,
        startMicros: Int64 = defaultStartMicros
    ) -> [String] {
        GeneratedLoad.generate(configuration(events: events, seed: seed, scenario: scenario, startMicros: startMicros))
            .lines
    }

    /// The same lines as ``lines(events:seed:scenario:startMicros:)``, as bytes.
    public static func byteLines(
        events: Int,
        seed: UInt64,
        scenario: AttackScenario?,
        startMicros: Int64 = defaultStartMicros
    ) -> [[UInt8]] {
        GeneratedLoad.generate(configuration(events: events, seed: seed, scenario: scenario, startMicros: startMicros))
            .byteLines
    }
}
