import JWTAuditDetection
import JWTAuditModel
import JWTAuditTesting
import Testing

@Suite struct DetectionEngineTests {
    private func rules(_ custom: CustomRule...) -> RuleSet {
        RuleSet(custom: custom)
    }

    @Test("a custom threshold rule with a distinct count fires per key with its own severity and tags")
    func customThreshold() throws {
        let rule = CustomRule(
            id: "admin_scope_failures", severity: .medium,
            logic: .threshold(
                match: EventMatcher([.init(field: .outcome, values: ["rejected"]), .init(field: .scope, values: ["admin"])]),
                threshold: 3, distinct: .sub
            ),
            groupBy: [.clientIP], window: 300_000_000, techniques: ["T1078"], tags: ["pci-dss:10.2.1.4"]
        )
        let detection = DetectionHarness(rules(rule))
        detection.feed((0..<4).map {
            var event = TokenEvent.validate(at: Double($0), outcome: .rejected, reason: .claimsInvalid, ip: "203.0.113.20", sub: "u\($0)")
            event.scope = "admin"
            return event
        })
        detection.feed((0..<4).map {
            var event = TokenEvent.validate(at: Double($0), outcome: .rejected, reason: .claimsInvalid, ip: "203.0.113.21", sub: "u\($0)")
            event.scope = "read"
            return event
        })
        let alerts = detection.fired("admin_scope_failures")
        #expect(alerts.count == 1)
        let alert = try #require(alerts.first)
        #expect(alert.key == AlertKey("client_ip", "203.0.113.20"))
        #expect(alert.severity == .medium)
        #expect(alert.techniques == ["T1078"])
    }

    @Test("a custom sequence rule fires on B after A for the same key within the window, not after it")
    func customSequence() {
        let rule = CustomRule(
            id: "revoked_then_accepted", severity: .high,
            logic: .sequence(
                first: EventMatcher([.init(field: .reason, values: ["revoked"])]),
                then: EventMatcher([.init(field: .outcome, values: ["accepted"])])
            ),
            groupBy: [.sub], window: 60_000_000
        )
        let detection = DetectionHarness(rules(rule))
        detection.feed([
            TokenEvent.validate(at: 0, outcome: .rejected, reason: .revoked, sub: "gina"),
            TokenEvent.validate(at: 30, sub: "gina"),
            TokenEvent.validate(at: 100, outcome: .rejected, reason: .revoked, sub: "hank"),
            TokenEvent.validate(at: 200, sub: "hank"),
        ])
        #expect(detection.fired("revoked_then_accepted").map(\.key) == [AlertKey("sub", "gina")])
    }

    @Test("a custom absence rule fires from the timer when B never follows A, and stays quiet when it does")
    func customAbsence() {
        let rule = CustomRule(
            id: "issued_never_used", severity: .low,
            logic: .absence(
                first: EventMatcher([.init(field: .kind, values: ["issue"])]),
                then: EventMatcher([.init(field: .kind, values: ["validate"])])
            ),
            groupBy: [.jti], window: 600_000_000
        )
        let detection = DetectionHarness(rules(rule))
        detection.feed([
            TokenEvent.lifecycle(.issue, at: 0, jti: "used", family: "f1"),
            TokenEvent.lifecycle(.issue, at: 0, jti: "unused", family: "f2"),
            TokenEvent.validate(at: 100, service: "auth", jti: "used", type: .refresh),
        ])
        detection.feed(TokenEvent.validate(at: 900, sub: "other"))
        detection.advance(to: 900)
        #expect(detection.fired("issued_never_used").map(\.key) == [AlertKey("jti", "unused")])
    }

    @Test("each rule is evaluated on its own: one event can feed several alerts")
    func independence() {
        let detection = DetectionHarness()
        // 20 forged alg-none tokens with injected kids from one IP: three rules, none hiding another.
        detection.feed((0..<20).map {
            TokenEvent.validate(at: Double($0), outcome: .rejected, reason: .badSignature, ip: "203.0.113.30", alg: "none", kid: "../k\($0)")
        })
        #expect(Set(detection.findings.map(\.rule)) == ["alg_none_attempt", "header_injection", "brute_force_signature"])
    }

    @Test("a per-service override changes the threshold for that service only")
    func perService() {
        var parameters = BuiltInRule.bruteForceSignature.defaultParameters
        parameters.threshold = 5
        var base = BuiltInRule.bruteForceSignature.defaultParameters
        base.severity = .medium
        var set = RuleSet.defaults
        set.builtIn[.bruteForceSignature] = RuleSettings(base: base, services: ["payments": parameters])
        let detection = DetectionHarness(set)
        detection.feed((0..<6).map { TokenEvent.validate(at: Double($0), service: "payments", outcome: .rejected, reason: .badSignature, ip: "203.0.113.40") })
        detection.feed((0..<6).map { TokenEvent.validate(at: Double($0), service: "api", outcome: .rejected, reason: .badSignature, ip: "203.0.113.41") })
        #expect(detection.fired(.bruteForceSignature).map(\.key) == [AlertKey("client_ip", "203.0.113.40")])
    }

    @Test("a disabled rule stays silent; new rules take effect and keep the windows' state")
    func replaceRules() {
        var disabled = RuleSet.defaults
        var off = BuiltInRule.bruteForceSignature.defaultParameters
        off.enabled = false
        disabled.builtIn[.bruteForceSignature] = RuleSettings(base: off)
        let detection = DetectionHarness(disabled)
        detection.feed((0..<25).map { TokenEvent.validate(at: Double($0), outcome: .rejected, reason: .badSignature, ip: "203.0.113.50") })
        #expect(detection.fired(.bruteForceSignature).isEmpty)

        let live = DetectionHarness()
        live.feed((0..<15).map { TokenEvent.validate(at: Double($0), outcome: .rejected, reason: .badSignature, ip: "203.0.113.51") })
        var stricter = RuleSet.defaults
        var parameters = BuiltInRule.bruteForceSignature.defaultParameters
        parameters.threshold = 16
        stricter.builtIn[.bruteForceSignature] = RuleSettings(base: parameters)
        live.engine.replaceRules(stricter)
        live.feed(TokenEvent.validate(at: 16, outcome: .rejected, reason: .badSignature, ip: "203.0.113.51"))
        #expect(live.fired(.bruteForceSignature).count == 1)
    }

    @Test("memory stays bounded under 200,000 distinct IPs and jtis; evictions are counted as degraded")
    func boundedState() {
        var limits = DetectionLimits()
        limits.maxKeysPerTable = 2_000
        let detection = DetectionHarness(limits: limits)
        for chunk in 0..<8 {
            detection.feed((0..<25_000).map { index in
                let n = chunk * 25_000 + index
                return TokenEvent.validate(
                    at: Double(n) * 0.0005, outcome: n % 2 == 0 ? .accepted : .rejected, reason: n % 2 == 0 ? nil : .badSignature,
                    ip: "10.\(n >> 16 & 255).\(n >> 8 & 255).\(n & 255)", sub: "user-\(n)", jti: "jti-\(n)"
                )
            })
        }
        let statistics = detection.engine.statistics
        #expect(statistics.events == 200_000)
        #expect(statistics.keys <= 16 * 2_000)
        #expect(statistics.degraded)
        #expect(detection.findings.isEmpty)
    }
}
