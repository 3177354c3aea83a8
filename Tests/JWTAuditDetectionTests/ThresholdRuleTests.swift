import JWTAuditDetection
import JWTAuditModel
import JWTAuditTesting
import Testing

@Suite struct ThresholdRuleTests {
    @Test("brute_force_signature fires at 20 bad signatures from one IP within 60 s and counts every one")
    func bruteForce() throws {
        let detection = DetectionHarness()
        let attempts = (0..<30).map {
            TokenEvent.validate(at: Double($0) * 2, outcome: .rejected, reason: .badSignature, ip: "203.0.113.9")
        }
        detection.feed(Array(attempts[..<19]))
        #expect(detection.fired(.bruteForceSignature).isEmpty)
        detection.feed(Array(attempts[19...]))
        let alert = try #require(detection.fired(.bruteForceSignature).first)
        #expect(alert.key == AlertKey("client_ip", "203.0.113.9"))
        #expect(alert.count == 30)
        #expect(alert.severity == .high)
        #expect(alert.techniques.contains("T1110"))
        #expect(alert.tags.contains("pci-dss:10.2.1.4"))
        #expect(!alert.samples.isEmpty && alert.samples.count <= 3)
    }

    @Test("bad signatures spread over more than a minute, or over many IPs, stay quiet")
    func bruteForceBenign() {
        let detection = DetectionHarness()
        detection.feed((0..<40).map {
            TokenEvent.validate(at: Double($0) * 4, outcome: .rejected, reason: .badSignature, ip: "203.0.113.9")
        })
        detection.feed((0..<100).map {
            TokenEvent.validate(at: 200 + Double($0) * 0.1, outcome: .rejected, reason: .badSignature, ip: "198.51.100.\($0)")
        })
        #expect(detection.fired(.bruteForceSignature).isEmpty)
    }

    @Test("a late event within the lateness bound still counts; one beyond it does not")
    func lateEvents() {
        let detection = DetectionHarness()
        detection.feed(TokenEvent.validate(at: 500, sub: "someone-else"))
        // 19 in-window failures arrive on time, the 20th (older, same window) arrives late.
        detection.feed((1..<20).map {
            TokenEvent.validate(at: 450 + Double($0), outcome: .rejected, reason: .badSignature, ip: "203.0.113.9")
        })
        detection.feed(TokenEvent.validate(at: 449, outcome: .rejected, reason: .badSignature, ip: "203.0.113.9"))
        #expect(detection.fired(.bruteForceSignature).count == 1)

        let other = DetectionHarness()
        other.feed(TokenEvent.validate(at: 1_000))
        other.feed((0..<19).map {
            TokenEvent.validate(at: 990 + Double($0) * 0.1, outcome: .rejected, reason: .badSignature, ip: "203.0.113.10")
        })
        // 20th event 15 minutes older than the watermark: beyond the 2-minute bound.
        other.feed(TokenEvent.validate(at: 100, outcome: .rejected, reason: .badSignature, ip: "203.0.113.10"))
        #expect(other.fired(.bruteForceSignature).isEmpty)
        #expect(other.engine.statistics.lateEvents == 1)
    }

    @Test("token_spray: 10 distinct subjects rejected from one IP in 5 minutes; expired tokens are noise")
    func tokenSpray() throws {
        let detection = DetectionHarness()
        detection.feed((0..<12).map {
            TokenEvent.validate(at: Double($0) * 20, outcome: .rejected, reason: .claimsInvalid, ip: "203.0.113.5", sub: "user-\($0)")
        })
        let alert = try #require(detection.fired(.tokenSpray).first)
        #expect(alert.key == AlertKey("client_ip", "203.0.113.5"))

        let noisy = DetectionHarness()
        // A NAT with many users whose tokens expired, and one user failing repeatedly.
        noisy.feed((0..<30).map {
            TokenEvent.validate(at: Double($0) * 5, outcome: .rejected, reason: .expired, ip: "198.51.100.1", sub: "user-\($0)")
        })
        noisy.feed((0..<30).map {
            TokenEvent.validate(at: Double($0) * 5, outcome: .rejected, reason: .claimsInvalid, ip: "198.51.100.2", sub: "bob")
        })
        #expect(noisy.fired(.tokenSpray).isEmpty)

        // Stolen tokens that expired an hour ago are not clock noise: they count.
        let stolen = DetectionHarness()
        stolen.feed((0..<10).map {
            var event = TokenEvent.validate(at: Double($0) * 10, outcome: .rejected, reason: .expired, ip: "203.0.113.55", sub: "victim-\($0)")
            event.expiresAt = event.timestamp / 1_000_000 - 3_600
            return event
        })
        #expect(stolen.fired(.tokenSpray).count == 1)

        // A client-sent `exp` at the end of the 64-bit range is far in the future, not (wrapped
        // into microseconds) in the past: such "expired" rejections stay clock noise.
        let farFuture = DetectionHarness()
        farFuture.feed((0..<10).map {
            var event = TokenEvent.validate(at: Double($0) * 10, outcome: .rejected, reason: .expired, ip: "203.0.113.56", sub: "far-\($0)")
            event.expiresAt = Int64.max
            return event
        })
        #expect(farFuture.fired(.tokenSpray).isEmpty)
    }

    @Test("token_replay: one access jti from 3 distinct IPs in 10 minutes; many uses from one IP are fine")
    func tokenReplay() throws {
        let detection = DetectionHarness()
        detection.feed([
            TokenEvent.validate(at: 0, service: "api", ip: "198.51.100.7", jti: "t-1"),
            TokenEvent.validate(at: 30, service: "billing", ip: "198.51.100.7", jti: "t-1"),
            TokenEvent.validate(at: 60, service: "api", ip: "203.0.113.50", jti: "t-1"),
        ])
        #expect(detection.fired(.tokenReplay).isEmpty)
        detection.feed(TokenEvent.validate(at: 90, ip: "192.0.2.80", jti: "t-1"))
        let alert = try #require(detection.fired(.tokenReplay).first)
        #expect(alert.key == AlertKey("jti", "t-1"))

        let benign = DetectionHarness()
        benign.feed((0..<200).map { TokenEvent.validate(at: Double($0), service: "svc-\($0 % 5)", jti: "t-2") })
        // Same jti from a new IP after the window: not a replay within 10 minutes.
        benign.feed(TokenEvent.validate(at: 900, ip: "203.0.113.1", jti: "t-3"))
        benign.feed(TokenEvent.validate(at: 1_600, ip: "203.0.113.2", jti: "t-3"))
        benign.feed(TokenEvent.validate(at: 2_300, ip: "203.0.113.3", jti: "t-3"))
        #expect(benign.fired(.tokenReplay).isEmpty)
    }

    @Test("key_probe: 10 distinct unknown kids from one IP; one stale kid from many caches is not a probe")
    func keyProbe() throws {
        let detection = DetectionHarness()
        detection.feed((0..<10).map {
            TokenEvent.validate(at: Double($0) * 10, outcome: .rejected, reason: .keyUnknown, ip: "203.0.113.7", kid: "guess-\($0)")
        })
        #expect(try #require(detection.fired(.keyProbe).first).key == AlertKey("client_ip", "203.0.113.7"))

        let rotation = DetectionHarness()
        rotation.feed((0..<50).map {
            TokenEvent.validate(at: Double($0), outcome: .rejected, reason: .keyUnknown, ip: "198.51.100.\($0 % 3)", kid: "k2")
        })
        #expect(rotation.fired(.keyProbe).isEmpty)
    }

    @Test("token_substitution: 10 audience or issuer mismatches from one IP or for one sub; a single misroute is quiet")
    func tokenSubstitution() {
        let detection = DetectionHarness()
        detection.feed((0..<10).map {
            TokenEvent.validate(
                at: Double($0) * 20, service: "svc-\($0)", outcome: .rejected,
                reason: $0 % 2 == 0 ? .audienceMismatch : .issuerMismatch, ip: "203.0.113.8", sub: "mallory"
            )
        })
        let keys = Set(detection.fired(.tokenSubstitution).map(\.key))
        #expect(keys == [AlertKey("client_ip", "203.0.113.8"), AlertKey("sub", "mallory")])

        let benign = DetectionHarness()
        benign.feed((0..<50).map {
            TokenEvent.validate(at: Double($0) * 3, service: "billing", outcome: .rejected, reason: .audienceMismatch, ip: "198.51.100.\($0)", sub: "user-\($0)")
        })
        #expect(benign.fired(.tokenSubstitution).isEmpty)
    }

    @Test("expired_token_storm: 100 expired tokens from one client_id in a minute; a client's few expired tokens are quiet")
    func expiredStorm() throws {
        let detection = DetectionHarness()
        detection.feed((0..<120).map {
            TokenEvent.validate(at: Double($0) * 0.4, outcome: .rejected, reason: .expired, ip: "198.51.100.\($0 % 40)", clientID: "batch-job")
        })
        let alert = try #require(detection.fired(.expiredTokenStorm).first)
        #expect(alert.key == AlertKey("client_id", "batch-job"))
        #expect(alert.severity == .medium)

        let benign = DetectionHarness()
        benign.feed((0..<300).map {
            TokenEvent.validate(at: Double($0) * 0.5, outcome: .rejected, reason: .expired, ip: "198.51.100.\($0 % 200)", sub: "user-\($0)", clientID: "app-\($0 % 5)")
        })
        #expect(benign.fired(.expiredTokenStorm).isEmpty)
    }

    @Test("failures_then_success: 5 guesses then an acceptance for the same sub; expired then refreshed is benign")
    func failuresThenSuccess() throws {
        let detection = DetectionHarness()
        detection.feed((0..<5).map {
            TokenEvent.validate(at: Double($0) * 30, outcome: .rejected, reason: .badSignature, ip: "203.0.113.\($0)", sub: "carol")
        })
        detection.feed(TokenEvent.validate(at: 200, ip: "192.0.2.1", sub: "carol"))
        let alert = try #require(detection.fired(.failuresThenSuccess).first)
        #expect(alert.key == AlertKey("sub", "carol"))
        #expect(alert.count == 6)

        let benign = DetectionHarness()
        // A client sends its just-expired token a few times, refreshes, and succeeds.
        benign.feed((0..<8).map { TokenEvent.validate(at: Double($0), outcome: .rejected, reason: .expired, sub: "dave") })
        benign.feed(TokenEvent.validate(at: 10, sub: "dave"))
        // Four real failures then a success: under the threshold.
        benign.feed((0..<4).map { TokenEvent.validate(at: 20 + Double($0), outcome: .rejected, reason: .claimsInvalid, ip: "198.51.100.99", sub: "erin") })
        benign.feed(TokenEvent.validate(at: 30, ip: "198.51.100.99", sub: "erin"))
        // Five failures, but the success comes 11 minutes later.
        benign.feed((0..<5).map { TokenEvent.validate(at: 40 + Double($0), outcome: .rejected, reason: .badSignature, ip: "198.51.100.98", sub: "frank") })
        benign.feed(TokenEvent.validate(at: 40 + 660, ip: "198.51.100.98", sub: "frank"))
        #expect(benign.fired(.failuresThenSuccess).isEmpty)
    }

    @Test("a burst of normal traffic raises nothing")
    func burst() {
        let detection = DetectionHarness()
        var events: [AuditEvent] = []
        for index in 0..<20_000 {
            let user = index % 500
            events.append(
                TokenEvent.validate(
                    at: Double(index) * 0.003, service: "svc-\(index % 4)", ip: "10.0.\(user / 250).\(user % 250)",
                    sub: "user-\(user)", jti: "jti-\(user)-\(index / 2_000)"
                )
            )
        }
        detection.feed(events)
        #expect(detection.findings.isEmpty)
    }
}
