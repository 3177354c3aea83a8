import JWTAuditDetection
import JWTAuditModel
import JWTAuditTesting
import Testing

@Suite struct ServiceRuleTests {
    /// `minutes` minutes of steady traffic for `service`: `perMinute` events, 2% of them expired.
    private func baseline(_ detection: DetectionHarness, service: String = "api", minutes: Int, perMinute: Int = 200, from start: Double = 0) {
        for minute in 0..<minutes {
            detection.feed((0..<perMinute).map { index in
                let at = start + Double(minute) * 60 + Double(index) * 60 / Double(perMinute)
                return index % 50 == 0
                    ? TokenEvent.validate(at: at, service: service, outcome: .rejected, reason: .expired, ip: "10.1.0.\(index)", sub: "user-\(index)")
                    : TokenEvent.validate(at: at, service: service, ip: "10.1.0.\(index)", sub: "user-\(index)")
            })
        }
    }

    @Test("failure_rate_spike: rejections jump far above the learned rate within the minute")
    func spike() throws {
        let detection = DetectionHarness()
        baseline(detection, minutes: 15)
        detection.feed((0..<80).map {
            TokenEvent.validate(at: 900 + Double($0) * 0.2, outcome: .rejected, reason: .claimsInvalid, ip: "10.2.0.\($0)", sub: "user-\($0)")
        })
        let alert = try #require(detection.fired(.failureRateSpike).first)
        #expect(alert.key == AlertKey("service", "api"))
        #expect(alert.count >= 50)
    }

    @Test("no spike before the baseline is warm, under 50 rejections, or when a burst keeps the ratio")
    func spikeBenign() {
        let cold = DetectionHarness()
        baseline(cold, minutes: 5)
        cold.feed((0..<80).map { TokenEvent.validate(at: 300 + Double($0) * 0.2, outcome: .rejected, reason: .claimsInvalid) })
        #expect(cold.fired(.failureRateSpike).isEmpty)

        let small = DetectionHarness()
        baseline(small, minutes: 15)
        small.feed((0..<40).map { TokenEvent.validate(at: 900 + Double($0), outcome: .rejected, reason: .claimsInvalid) })
        #expect(small.fired(.failureRateSpike).isEmpty)

        let burst = DetectionHarness()
        baseline(burst, minutes: 15)
        baseline(burst, minutes: 1, perMinute: 5_000, from: 900)
        #expect(burst.fired(.failureRateSpike).isEmpty)
    }

    @Test("logging_gap fires from the timer alone once a steady service goes silent, and not before")
    func loggingGap() throws {
        let detection = DetectionHarness()
        baseline(detection, service: "billing", minutes: 12, perMinute: 20)
        #expect(detection.advance(to: 12 * 60 + 120).isEmpty, "two minutes of silence is within the default five")
        let found = detection.advance(to: 12 * 60 + 400)
        let alert = try #require(found.first { $0.rule == "logging_gap" })
        #expect(alert.key == AlertKey("service", "billing"))
        #expect(alert.severity == .medium)
        #expect(detection.advance(to: 12 * 60 + 900).isEmpty, "one alert per silence")
    }

    @Test("a service that only ever sent a few events is not steady and raises no logging_gap")
    func sporadic() {
        let detection = DetectionHarness()
        detection.feed((0..<5).map { TokenEvent.validate(at: Double($0) * 600, service: "cron") })
        detection.advance(to: 86_400)
        #expect(detection.fired(.loggingGap).isEmpty)
    }

    @Test("event_loss turns a producer's sequence gap and an output's drops into findings")
    func eventLoss() throws {
        let engine = DetectionEngine()
        let gap = try #require(engine.report(EventLoss(kind: .sequenceGap, source: "api-7", count: 12, at: EventFactory.baseTime)).first)
        #expect(gap.rule == "event_loss")
        #expect(gap.key == AlertKey([.init("source", "api-7"), .init("kind", "sequence_gap")]))
        #expect(gap.count == 12)
        #expect(gap.tags.contains("pci-dss:10.7.2"))
        #expect(engine.report(EventLoss(kind: .outputDropped, source: "output:webhook", count: 0, at: 0)).isEmpty)
        let dropped = try #require(engine.report(EventLoss(kind: .outputDropped, source: "output:webhook", count: 3, at: 0)).first)
        #expect(dropped.key == AlertKey([.init("source", "output:webhook"), .init("kind", "output_dropped")]))
        #expect(dropped.summary.contains("dropped 3 alerts"))
    }

    @Test("a producer whose clock runs a day ahead cannot push everyone else's events out of their windows")
    func futureClock() {
        let detection = DetectionHarness()
        var future = TokenEvent.validate(at: 86_400, service: "skewed")
        future.receivedAt = EventFactory.baseTime
        detection.feed(future)
        detection.feed((0..<25).map {
            TokenEvent.validate(at: Double($0), outcome: .rejected, reason: .badSignature, ip: "203.0.113.9")
        })
        #expect(detection.fired(.bruteForceSignature).count == 1)
    }
}
