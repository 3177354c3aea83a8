import JWTAuditDetection
import JWTAuditModel
import JWTAuditTesting
import Testing

@Suite struct TokenRuleTests {
    @Test("alg_none_attempt: high when refused, critical when accepted, also for reason alg_none")
    func algNone() throws {
        let detection = DetectionHarness()
        detection.feed(TokenEvent.validate(at: 0, outcome: .rejected, reason: .algNone, ip: "203.0.113.1", alg: "none"))
        detection.feed(TokenEvent.validate(at: 1, service: "legacy", ip: "203.0.113.2", alg: "None"))
        let alerts = detection.fired(.algNoneAttempt)
        #expect(alerts.map(\.severity) == [.high, .critical])
        #expect(alerts[1].key == AlertKey([.init("service", "legacy"), .init("client_ip", "203.0.113.2")]))
        #expect(detection.fired(.validatorMisconfig).count == 1, "an accepted alg none is also a broken validator")
    }

    @Test("alg_confusion: HS256 for an issuer whose tokens are RS256 (critical when accepted), and alg_not_allowed")
    func algConfusion() throws {
        let detection = DetectionHarness()
        detection.feed((0..<25).map { TokenEvent.validate(at: Double($0), sub: "user-\($0)") })
        detection.feed(TokenEvent.validate(at: 30, outcome: .rejected, reason: .badSignature, ip: "203.0.113.3", alg: "HS256"))
        detection.feed(TokenEvent.validate(at: 31, ip: "203.0.113.3", alg: "HS256"))
        detection.feed(TokenEvent.validate(at: 32, outcome: .rejected, reason: .algNotAllowed, ip: "203.0.113.4", alg: "HS512", issuer: "https://other.example"))
        let alerts = detection.fired(.algConfusion)
        let learned = try #require(alerts.first { $0.key.fields.contains(.init("client_ip", "203.0.113.3")) })
        #expect(learned.severity == .critical)
        #expect(learned.count == 2)
        #expect(alerts.contains { $0.key.fields.contains(.init("client_ip", "203.0.113.4")) && $0.severity == .high })
    }

    @Test("an issuer that signs with HMAC, or one not yet learned, raises no alg_confusion")
    func algConfusionBenign() {
        let detection = DetectionHarness()
        detection.feed((0..<50).map { TokenEvent.validate(at: Double($0), alg: "HS256", issuer: "https://hmac.example") })
        detection.feed((0..<5).map { TokenEvent.validate(at: 60 + Double($0), issuer: "https://young.example") })
        detection.feed(TokenEvent.validate(at: 70, outcome: .rejected, reason: .badSignature, alg: "HS256", issuer: "https://young.example"))
        #expect(detection.fired(.algConfusion).isEmpty)
    }

    @Test("validator_misconfig names the check an accepted token fails", arguments: ["expired", "not_yet_valid", "lifetime"])
    func validatorMisconfig(check: String) throws {
        let detection = DetectionHarness()
        var event = TokenEvent.validate(at: 100)
        let now = event.timestamp / 1_000_000
        switch check {
        case "expired": event.expiresAt = now - 3_600
        case "not_yet_valid": event.notBefore = now + 3_600
        default: event.expiresAt = event.issuedAt! + 7 * 86_400
        }
        detection.feed(event)
        let alert = try #require(detection.fired(.validatorMisconfig).first)
        #expect(alert.key == AlertKey([.init("service", "api"), .init("check", check)]))
    }

    @Test("validator_misconfig tolerates leeway, refused tokens, long refresh tokens; require_audience is per service")
    func validatorMisconfigBenign() throws {
        var rules = RuleSet.defaults
        var strict = BuiltInRule.validatorMisconfig.defaultParameters
        strict.requireAudience = true
        rules.builtIn[.validatorMisconfig] = RuleSettings(
            base: BuiltInRule.validatorMisconfig.defaultParameters, services: ["payments": strict]
        )
        let detection = DetectionHarness(rules)
        var justExpired = TokenEvent.validate(at: 0)
        justExpired.expiresAt = justExpired.timestamp / 1_000_000 - 30
        var refused = TokenEvent.validate(at: 1, outcome: .rejected, reason: .expired)
        refused.expiresAt = refused.timestamp / 1_000_000 - 86_400
        var refresh = TokenEvent.validate(at: 2, type: .refresh)
        refresh.expiresAt = refresh.issuedAt! + 30 * 86_400
        var noAudience = TokenEvent.validate(at: 3, service: "api")
        noAudience.audience = nil
        detection.feed([justExpired, refused, refresh, noAudience])
        #expect(detection.fired(.validatorMisconfig).isEmpty)

        var paymentsNoAudience = TokenEvent.validate(at: 4, service: "payments")
        paymentsNoAudience.audience = nil
        detection.feed(paymentsNoAudience)
        #expect(try #require(detection.fired(.validatorMisconfig).first).key.fields.last == .init("check", "missing_aud"))
    }

    @Test("clock_skew: a service accepting tokens issued minutes in its future; seconds of skew are fine")
    func clockSkew() throws {
        let detection = DetectionHarness()
        var slight = TokenEvent.validate(at: 0)
        slight.issuedAt = slight.timestamp / 1_000_000 + 20
        detection.feed(slight)
        #expect(detection.fired(.clockSkew).isEmpty)
        var skewed = TokenEvent.validate(at: 10, service: "reports")
        skewed.issuedAt = skewed.timestamp / 1_000_000 + 300
        detection.feed(skewed)
        #expect(try #require(detection.fired(.clockSkew).first).key == AlertKey("service", "reports"))
    }

    @Test(
        "header_injection: kid with path, quote or shell characters",
        arguments: ["../../dev/null", "k1' OR '1'='1", "key;rm -rf /", "$(id)", "a|b", "k1\nforged"]
    )
    func kidInjection(kid: String) throws {
        let detection = DetectionHarness()
        detection.feed(TokenEvent.validate(at: 0, outcome: .rejected, reason: .keyUnknown, ip: "203.0.113.6", kid: kid))
        #expect(try #require(detection.fired(.headerInjection).first).severity == .high)
    }

    @Test("ordinary kids (dates, base64url thumbprints, dotted versions) are not injections")
    func kidBenign() {
        let detection = DetectionHarness()
        for kid in ["2024-06-rsa", "NjVBRjY5MDlCMUIwNzU4RTA2QzZFMDQ4QzQ2MDAyQjVDNjk1RTM2Qg", "key.v2", "a_b-c"] {
            detection.feed(TokenEvent.validate(at: 0, kid: kid))
        }
        #expect(detection.fired(.headerInjection).isEmpty)
    }

    @Test("header_injection: a jku where the issuer never used one, or outside the allow-list")
    func urlHeaders() throws {
        let detection = DetectionHarness()
        detection.feed((0..<25).map { TokenEvent.validate(at: Double($0)) })
        var probe = TokenEvent.validate(at: 30, outcome: .rejected, reason: .badSignature, ip: "203.0.113.12")
        probe.jwkSetURL = "https://attacker.example/jwks.json"
        detection.feed(probe)
        #expect(detection.fired(.headerInjection).count == 1)

        var rules = RuleSet.defaults
        var parameters = BuiltInRule.headerInjection.defaultParameters
        parameters.allowedURLPrefixes = ["https://login.example.com/"]
        rules.builtIn[.headerInjection] = RuleSettings(base: parameters)
        let listed = DetectionHarness(rules)
        var good = TokenEvent.validate(at: 0)
        good.x509URL = "https://login.example.com/certs/1.pem"
        var bad = TokenEvent.validate(at: 1, ip: "203.0.113.13")
        bad.x509URL = "http://169.254.169.254/latest/meta-data"
        listed.feed([good, bad])
        let alert = try #require(listed.fired(.headerInjection).first)
        #expect(listed.fired(.headerInjection).count == 1)
        #expect(alert.severity == .critical, "the service accepted a token pointing outside the allow-list")
    }

    @Test("retired_key: a retired kid (critical when accepted), and a burst of unknown kids after a rotation")
    func retiredKey() throws {
        var rules = RuleSet.defaults
        var parameters = BuiltInRule.retiredKey.defaultParameters
        parameters.retiredKeyIDs = ["2023-rsa"]
        rules.builtIn[.retiredKey] = RuleSettings(base: parameters)
        let detection = DetectionHarness(rules)
        detection.feed(TokenEvent.validate(at: 0, kid: "2023-rsa"))
        #expect(try #require(detection.fired(.retiredKey).first).severity == .critical)

        let rotation = DetectionHarness()
        rotation.feed((0..<60).map { TokenEvent.validate(at: Double($0), kid: "k1") })
        rotation.feed(TokenEvent.validate(at: 60, kid: "k2"))
        rotation.feed((0..<10).map {
            TokenEvent.validate(at: 70 + Double($0), outcome: .rejected, reason: .keyUnknown, ip: "198.51.100.\($0)", kid: "forged-\($0)")
        })
        let burst = try #require(rotation.fired(.retiredKey).first)
        #expect(burst.key == AlertKey("iss", "https://idp.example"))
    }

    @Test("several keys valid at once are learned in the issuer's first 30 s, not taken for rotations")
    func concurrentKeys() {
        let detection = DetectionHarness()
        detection.feed((0..<20).map { TokenEvent.validate(at: Double($0), kid: $0 % 3 == 0 ? "old" : "current") })
        detection.feed((0..<10).map {
            TokenEvent.validate(at: 40 + Double($0), outcome: .rejected, reason: .keyUnknown, ip: "198.51.100.\($0)", kid: "guess-\($0)")
        })
        #expect(detection.fired(.retiredKey).isEmpty)
    }

    @Test("a key rotation with a short overlap and a few stale-cache rejections raises nothing")
    func rotationBenign() {
        let detection = DetectionHarness()
        detection.feed((0..<100).map { TokenEvent.validate(at: Double($0), sub: "user-\($0 % 7)", kid: "k1") })
        detection.feed((0..<100).map { TokenEvent.validate(at: 100 + Double($0), sub: "user-\($0 % 7)", kid: $0 % 2 == 0 ? "k1" : "k2") })
        detection.feed((0..<6).map {
            TokenEvent.validate(at: 110 + Double($0) * 10, outcome: .rejected, reason: .keyUnknown, ip: "198.51.100.\($0)", kid: "k2")
        })
        #expect(detection.findings.filter { $0.severity >= .medium }.isEmpty)
    }
}
