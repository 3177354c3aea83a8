/// The pipeline itself: a failure rate that jumps, a service that falls silent, lost events.
extension ScenarioBuilder {
    /// The service whose rejections jump: a middling one of the Zipf-weighted API services.
    static let spikeService = "checkout-service"

    /// `failure_rate_spike`: for one minute, checkout-service rejects tokens from hundreds of
    /// addresses (a credential-stuffing wave through proxies): at least 300, and eight times the
    /// service's usual rejections per minute plus 100. One per address (100.64.0.0/10, the
    /// shared address space) and subject, so no per-address rule fires; reasons that no other
    /// rule counts.
    mutating func failureRateSpike() {
        let index = service(Self.spikeService)
        let apiRank = universe.apiServices.firstIndex(of: index) ?? 0
        let share = ZipfDistribution(count: universe.apiServices.count, exponent: TrafficGenerator.serviceExponent)
            .probability(of: apiRank)
        let usual =
            configuration.effectiveEventsPerSecond * configuration.rejectionShare * share * 60
        let count = max(300, Int(8 * usual) + 100)
        let reasons = ["bad_signature", "malformed", "claims_invalid"]
        for step in 0..<count {
            var event = access(
                at: at(60 * Double(step) / Double(count)),
                service: Self.spikeService,
                subject: subject(),
                tokenID: tokenID(),
                address: "100.\(64 + step >> 16 & 63).\(step >> 8 & 255).\(step & 255)",
                userAgent: Self.toolAgents[step % 3],
                accepted: false,
                reason: reasons[step % reasons.count]
            )
            if event.reason == "malformed" {
                event.subject = nil
                event.tokenID = nil
                event.issuer = nil
                event.algorithm = nil
                event.keyID = nil
                event.audience = nil
                event.expiresIn = nil
                event.issuedIn = nil
                event.clientID = nil
            }
            add(event)
        }
    }

    /// `logging_gap`: orders-api, one of the busiest services, emits nothing for ten minutes, on
    /// every connection.
    mutating func loggingGap() {
        silence = ScenarioPlan.Silence(service: "orders-api", fromMicros: at(0), untilMicros: at(600))
    }

    /// `event_loss`: connection 0's producer loses 25 events (its `seq` jumps by 26).
    mutating func eventLoss() {
        sequenceGap = ScenarioPlan.SequenceGap(micros: at(0), skipped: 25)
    }
}
