import JWTAuditDetection
import JWTAuditModel
import Testing

@testable import JWTAuditLoad

@Suite("Attack scenarios")
struct AttackScenarioTests {
    static let start: Int64 = 1_764_374_400_000_000  // 2025-11-29T00:00:00Z

    /// `events` events (12,000 by default) over a population of 20,000 subjects and 10,000
    /// addresses (smaller than the default: quicker to build, and denser, which is harder).
    static func configuration(
        _ scenario: AttackScenario?,
        events: Int = 12_000,
        connections: Int = 1
    )
        -> TrafficConfiguration
    {
        var configuration = TrafficConfiguration(seed: 21, events: events, connections: connections)
        configuration.startMicros = start
        configuration.scenario = scenario
        configuration.subjects = 20_000
        configuration.addresses = 10_000
        return configuration
    }

    @Test(
        "each scenario sets off its rule (and only the rules it names); the same benign traffic sets off none",
        arguments: AttackScenario.allCases
    )
    func setsOffItsRule(scenario: AttackScenario) throws {
        let configuration = Self.configuration(scenario)
        let load = GeneratedLoad.generate(configuration)
        let plan = try #require(ScenarioPlan(configuration: configuration))
        #expect(load.eventCount == 12_000)
        #expect(load.streams[0].attackLines.count == plan.events.count)

        var mixed = EngineFindings.findings(try DecodedTraffic.decode(load))
        var benignConfiguration = configuration
        benignConfiguration.scenario = nil
        benignConfiguration.eventsPerSecond = configuration.effectiveEventsPerSecond
        let benignLoad = GeneratedLoad.generate(benignConfiguration)
        var benign = EngineFindings.findings(try DecodedTraffic.decode(benignLoad))
        // Benign traffic has its own rare double refreshes: compare without them, and check the
        // refresh_race scenario on its own lines.
        benign["refresh_race"] = nil
        #expect(benign.isEmpty, "benign: \(benign)")
        if scenario != .refreshRace { mixed["refresh_race"] = nil }
        #expect(Set(mixed.keys) == Set(scenario.expectedRules), "\(mixed)")
        if scenario == .refreshRace {
            let attack = load.streams[0].attackLines.map { load.streams[0].line($0) }
            let decoder = EventDecoder(fingerprinter: nil)
            let events = try attack.enumerated().map { index, line in
                var event = try line.dropLast().withUnsafeBytes { try decoder.decode($0).get() }
                event.sequence = nil  // the attack's lines alone skip the benign lines' numbers
                return DecodedEvent(event: event, connection: 0, line: index)
            }
            let found = EngineFindings.findingList(events).map(\.rule)
            #expect(found == ["refresh_race"])
        }
    }

    @Test("the attack's lines are the plan's, at the planned times, in connection 0 only")
    func linesFollowThePlan() throws {
        let configuration = Self.configuration(.bruteForceSignature, connections: 3)
        let load = GeneratedLoad.generate(configuration)
        let plan = try #require(ScenarioPlan(configuration: configuration))
        #expect(plan.events.count == 30)
        #expect(load.streams[1].attackLines.isEmpty && load.streams[2].attackLines.isEmpty)
        let stream = load.streams[0]
        let decoder = EventDecoder(fingerprinter: nil)
        #expect(stream.attackLines.count == plan.events.count)
        for (index, planned) in zip(stream.attackLines, plan.events) {
            let event = try stream.line(index).dropLast().withUnsafeBytes { try decoder.decode($0).get() }
            let alone = try decoder.decode(planned.line).get()
            #expect(abs(event.timestamp - planned.micros) < 1_000)
            #expect(event.reason == .badSignature && event.clientIP == alone.clientIP && event.tokenID == alone.tokenID)
            #expect(event.sequence == Int64(index + 1))
        }
    }

    @Test("the attack starts at --attack-at of the span", arguments: [0.1, 0.5, 0.7])
    func placement(attackAt: Double) throws {
        var configuration = Self.configuration(.tokenSpray, events: 50_000)
        configuration.attackAt = attackAt
        let load = GeneratedLoad.generate(configuration)
        let first = try #require(load.streams[0].attackLines.first)
        let position = Double(first) / Double(load.eventCount)
        #expect(abs(position - attackAt) < 0.02, "first attack line at \(position)")
        let plan = try #require(ScenarioPlan(configuration: configuration))
        #expect(plan.startMicros == configuration.attackStartMicros)
        // The attack ends by 85% of the span.
        let end = Double(plan.events.last!.micros - Self.start) / 1e6
        #expect(end <= 0.85 * configuration.spanSeconds + 1)
    }

    @Test("scenarios that need a baseline lengthen event time; short ones keep the pace")
    func span() {
        let spike = Self.configuration(.failureRateSpike)
        #expect(spike.spanSeconds >= (720 + 70) / 0.85)
        #expect(spike.effectiveEventsPerSecond < spike.eventsPerSecond)
        #expect(spike.attackStartMicros! >= Self.start + 720_000_000)
        var long = Self.configuration(.bruteForceSignature, events: 2_000_000)
        long.eventsPerSecond = 1_000
        #expect(long.spanSeconds == 2_000 && long.effectiveEventsPerSecond == 1_000)
        #expect(long.attackStartMicros == Self.start + 200_000_000)
        #expect(Self.configuration(nil).spanSeconds == 1.2)
    }

    @Test("logging_gap silences the service on every connection for 10 minutes")
    func silence() throws {
        let configuration = Self.configuration(.loggingGap, events: 30_000, connections: 2)
        let events = try DecodedTraffic.decode(GeneratedLoad.generate(configuration))
        let attack = try #require(configuration.attackStartMicros)
        let times = events.filter { $0.event.service == "orders-api" }.map(\.event.timestamp)
        #expect(times.contains { $0 < attack } && times.contains { $0 >= attack + 600_000_000 })
        #expect(!times.contains { $0 >= attack && $0 < attack + 600_000_000 })
        #expect(EngineFindings.findings(events)["logging_gap"] != nil)
    }

    @Test("event_loss skips 25 seq numbers on connection 0 only")
    func sequenceGap() throws {
        let load = GeneratedLoad.generate(Self.configuration(.eventLoss, connections: 2))
        let events = try DecodedTraffic.decode(load)
        for connection in 0..<2 {
            let sequences = events.filter { $0.connection == connection }.compactMap(\.event.sequence).sorted()
            let gaps = zip(sequences, sequences.dropFirst()).map { $1 - $0 }.filter { $0 != 1 }
            #expect(gaps == (connection == 0 ? [26] : []))
        }
    }

    @Test("critical variants: the accepted alg none, alg confusion, refresh reuse and retired key")
    func acceptedAttacks() throws {
        func attackEvents(_ scenario: AttackScenario) throws -> [AuditEvent] {
            let plan = try #require(ScenarioPlan(configuration: Self.configuration(scenario)))
            let decoder = EventDecoder(fingerprinter: nil)
            return try plan.lines.map { try decoder.decode($0).get() }
        }
        let none = try attackEvents(.algNoneAttempt)
        #expect(none.contains { $0.algorithm == "none" && $0.outcome == .accepted })
        let confusion = try attackEvents(.algConfusion)
        #expect(confusion.count >= 20 && confusion.allSatisfy { $0.algorithm == "HS256" })
        #expect(confusion.allSatisfy { $0.issuer == "https://auth.example.com/" })
        #expect(confusion.filter { $0.outcome == .accepted }.count == 3)
        let reuse = try attackEvents(.refreshTokenReuse)
        let rotation = try #require(reuse.first { $0.kind == .rotate })
        let last = try #require(reuse.last)
        #expect(last.tokenID == rotation.parentTokenID && last.outcome == .accepted)
        #expect(last.clientIP != rotation.clientIP && last.timestamp - rotation.timestamp > 60_000_000)
        let retired = try attackEvents(.retiredKey)
        #expect(retired.filter { $0.keyID == AttackScenario.retiredKeyID && $0.outcome == .accepted }.count == 4)
    }

    @Test("ScenarioTraffic gives N lines, the same for a seed; every scenario has a one-line summary")
    func convenience() {
        let lines = ScenarioTraffic.lines(events: 10_000, seed: 5, scenario: .keyProbe)
        #expect(lines.count == 10_000)
        #expect(lines == ScenarioTraffic.lines(events: 10_000, seed: 5, scenario: .keyProbe))
        #expect(
            ScenarioTraffic.byteLines(events: 100, seed: 5, scenario: nil).map { String(decoding: $0, as: UTF8.self) }
                == ScenarioTraffic.lines(events: 100, seed: 5, scenario: nil)
        )
        #expect(!lines.contains { $0.contains("\n") })
        #expect(Set(AttackScenario.allCases.map(\.id)).count == 18)
        #expect(AttackScenario.allCases.allSatisfy { !$0.summary.isEmpty && !$0.summary.contains("\n") })
    }
}
