/// Broken validators: a service accepts what its own event shows it must not.
extension ScenarioBuilder {
    /// `validator_misconfig`: invoices-api accepts four tokens that expired 10 to 40 minutes
    /// earlier and two that live seven days.
    mutating func validatorMisconfig() {
        for step in 0..<6 {
            var event = access(
                at: at(Double(step) * 45),
                service: "invoices-api",
                subject: subject(),
                tokenID: tokenID(),
                address: "192.0.2.\(100 + step)",
                userAgent: universe.text(universe.userAgents[step % 4]),
                accepted: true
            )
            if step < 4 {
                let expiredAgo = Int64(600 + step * 600)
                event.expiresIn = -expiredAgo
                event.issuedIn = -expiredAgo - 900
            } else {
                event.issuedIn = -3_600
                event.expiresIn = 7 * 86_400 - 3_600
            }
            add(event)
        }
    }

    /// `clock_skew`: files-api, its clock minutes behind, accepts eight tokens whose `iat` lies
    /// 3 to 6 minutes after its `ts` (the issuer sets no `nbf`).
    mutating func clockSkew() {
        for step in 0..<8 {
            let ahead = Int64(180 + step * 25)
            var event = access(
                at: at(Double(step) * 25),
                service: "files-api",
                subject: subject(),
                tokenID: tokenID(),
                address: "192.0.2.\(120 + step)",
                userAgent: universe.text(universe.userAgents[step % 4]),
                accepted: true
            )
            event.issuedIn = ahead
            event.expiresIn = ahead + universe.issuers[Self.mainIssuer].accessLifetime
            add(event)
        }
    }
}
