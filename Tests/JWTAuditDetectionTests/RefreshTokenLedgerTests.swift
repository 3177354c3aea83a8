import JWTAuditDetection
import JWTAuditModel
import JWTAuditTesting
import Testing

@Suite struct RefreshTokenLedgerTests {
    /// alice logs in (r1), then rotates twice: r1 -> r2 -> r3. r3 is current.
    private func loggedIn() -> DetectionHarness {
        let detection = DetectionHarness()
        detection.feed([
            TokenEvent.lifecycle(.issue, at: 0, jti: "r1", family: "f1"),
            TokenEvent.lifecycle(.rotate, at: 600, jti: "r2", parent: "r1"),
            TokenEvent.lifecycle(.rotate, at: 1_200, jti: "r3", parent: "r2"),
        ])
        return detection
    }

    @Test("the current refresh token validates quietly")
    func current() {
        let detection = loggedIn()
        detection.feed(TokenEvent.validate(at: 1_300, service: "auth", jti: "r3", type: .refresh))
        #expect(detection.findings.isEmpty)
    }

    @Test("a superseded token from another client minutes later is refresh_token_reuse, critical when accepted")
    func theft() throws {
        let detection = loggedIn()
        detection.feed(TokenEvent.validate(at: 1_500, service: "auth", outcome: .rejected, reason: .revoked, ip: "203.0.113.66", jti: "r1", type: .refresh))
        detection.feed(TokenEvent.validate(at: 1_501, service: "auth", ip: "203.0.113.66", jti: "r2", type: .refresh))
        let alerts = detection.fired(.refreshTokenReuse)
        #expect(alerts.count == 1, "one family, one alert key")
        let alert = try #require(alerts.first)
        #expect(alert.key == AlertKey([.init("family", "f1"), .init("sub", "alice")]))
        #expect(alert.severity == .critical)
        #expect(alert.count == 2)
        #expect(detection.fired(.refreshRace).isEmpty)
    }

    @Test("a double refresh within the grace period from the same client is a low refresh_race")
    func race() throws {
        let detection = loggedIn()
        detection.feed(TokenEvent.validate(at: 1_205, service: "auth", jti: "r2", type: .refresh))
        // The identity provider tolerated it and rotated r2 a second time.
        detection.feed(TokenEvent.lifecycle(.rotate, at: 1_206, jti: "r3b", parent: "r2"))
        let race = try #require(detection.fired(.refreshRace).first)
        #expect(race.severity == .low)
        #expect(detection.fired(.refreshTokenReuse).isEmpty)
    }

    @Test(
        "the race exception needs the immediately previous token, the grace period, the same IP and user agent",
        arguments: ["older token", "after grace", "other ip", "other agent"]
    )
    func notARace(variant: String) throws {
        let detection = loggedIn()
        var event = TokenEvent.validate(at: 1_205, service: "auth", jti: "r2", type: .refresh)
        switch variant {
        case "older token": event.tokenID = "r1"
        case "after grace": event.timestamp += 60_000_000
        case "other ip": event.clientIP = "198.51.100.200"
        default: event.userAgent = "curl/8.0"
        }
        detection.feed(event)
        #expect(detection.fired(.refreshRace).isEmpty)
        #expect(try #require(detection.fired(.refreshTokenReuse).first).severity == .critical)
    }

    @Test("revoking a jti, a family or a subject makes later use reuse; tokens issued after a subject revocation are fine")
    func revocations() {
        let byToken = loggedIn()
        byToken.feed(TokenEvent.lifecycle(.revoke, at: 1_300, jti: "r3"))
        byToken.feed(TokenEvent.validate(at: 1_310, service: "auth", jti: "r3", type: .refresh))
        #expect(byToken.fired(.refreshTokenReuse).count == 1)

        let byFamily = loggedIn()
        byFamily.feed(TokenEvent.lifecycle(.revoke, at: 1_300, family: "f1"))
        byFamily.feed(TokenEvent.validate(at: 1_310, service: "auth", jti: "r3", type: .refresh))
        #expect(byFamily.fired(.refreshTokenReuse).count == 1)

        let bySubject = loggedIn()
        bySubject.feed(TokenEvent.lifecycle(.revoke, at: 1_300, family: nil, sub: "alice"))
        bySubject.feed(TokenEvent.validate(at: 1_310, service: "auth", jti: "r3", type: .refresh))
        bySubject.feed(TokenEvent.lifecycle(.issue, at: 1_400, jti: "n1", family: "f2"))
        bySubject.feed(TokenEvent.validate(at: 1_410, service: "auth", jti: "n1", type: .refresh))
        #expect(bySubject.fired(.refreshTokenReuse).count == 1)
    }

    @Test("an access token accepted after its revocation is a critical token_replay")
    func revokedAccess() throws {
        let detection = DetectionHarness()
        detection.feed(TokenEvent.lifecycle(.revoke, at: 0, jti: "a1", type: .access))
        detection.feed(TokenEvent.validate(at: 5, outcome: .rejected, reason: .revoked, jti: "a1"))
        #expect(detection.fired(.tokenReplay).isEmpty, "a service that refuses the revoked token did its job")
        detection.feed(TokenEvent.validate(at: 10, jti: "a1"))
        #expect(try #require(detection.fired(.tokenReplay).first).severity == .critical)
    }

    @Test("the ledger rebuilt from its persisted changes judges the same way (a restart forgets nothing)")
    func restart() throws {
        let detection = loggedIn()
        var tokens: [String: LedgerToken] = [:]
        var revocations: [String: LedgerRevocation] = [:]
        for change in detection.engine.takeLedgerChanges() {
            switch change {
            case .upsertToken(let token): tokens[token.tokenID] = token
            case .removeToken(let id): tokens[id] = nil
            case .upsertRevocation(let revocation): revocations[revocation.value] = revocation
            case .removeRevocation(_, let value): revocations[value] = nil
            }
        }
        #expect(tokens.count == 3)
        let restarted = DetectionEngine(ledger: RefreshTokenLedger(tokens: Array(tokens.values), revocations: Array(revocations.values)))
        let found = restarted.process(
            [TokenEvent.validate(at: 1_500, service: "auth", ip: "203.0.113.66", jti: "r1", type: .refresh)],
            now: EventFactory.baseTime + 1_500_000_000
        )
        #expect(found.map(\.rule) == ["refresh_token_reuse"])
    }

    @Test("entries past their token's lifetime are pruned")
    func pruning() {
        let detection = loggedIn()
        _ = detection.engine.takeLedgerChanges()
        #expect(detection.engine.ledger.count == 3)
        // 31 days later every token (30-day lifetime) has expired.
        detection.feed(TokenEvent.validate(at: 31 * 86_400, sub: "someone"))
        #expect(detection.engine.ledger.count == 0)
        #expect(detection.engine.takeLedgerChanges().filter { if case .removeToken = $0 { true } else { false } }.count == 3)
    }

    @Test("forget(subject:) drops the ledger's state about a subject")
    func forget() {
        let detection = loggedIn()
        detection.engine.forget(subject: "alice")
        #expect(detection.engine.ledger.count == 0)
        detection.feed(TokenEvent.validate(at: 1_500, service: "auth", ip: "203.0.113.66", jti: "r1", type: .refresh))
        #expect(detection.fired(.refreshTokenReuse).isEmpty)
    }
}
