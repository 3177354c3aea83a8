/// Stolen or guessed credentials: real-looking tokens used where or by whom they should not be.
extension ScenarioBuilder {
    /// `brute_force_signature`: thirty signatures tried on one token within 40 s.
    mutating func bruteForce() {
        let address = attacker(20)
        let subject = subject()
        let tokenID = tokenID()
        for step in 0..<30 {
            add(
                access(
                    at: at(Double(step) * 1.35),
                    service: "payments-api",
                    subject: subject,
                    tokenID: tokenID,
                    address: address,
                    userAgent: Self.toolAgents[3],
                    accepted: false,
                    reason: "bad_signature"
                )
            )
        }
    }

    /// `token_spray`: twelve stolen tokens of twelve users, each rejected, from one address.
    mutating func tokenSpray() {
        let address = attacker(21)
        let services = ["orders-api", "accounts-api", "payments-api", "profile-service"]
        let reasons = ["expired", "bad_signature", "revoked"]
        for step in 0..<12 {
            var event = access(
                at: at(Double(step) * 15),
                service: services[step % services.count],
                subject: subject(),
                tokenID: tokenID(),
                address: address,
                userAgent: Self.toolAgents[0],
                accepted: false,
                reason: reasons[step % reasons.count]
            )
            if event.reason == "expired" {
                event.expiresIn = -3_600
                event.issuedIn = -4_500
            }
            add(event)
        }
    }

    /// `token_replay`: a victim's access token, used by the victim, then accepted from three
    /// other addresses.
    mutating func tokenReplay() {
        let subject = subject()
        let tokenID = tokenID()
        let uses: [(Double, String, String)] = [
            (0, "192.0.2.45", "ShopApp/7.4.1 iOS/18.1"), (15, "192.0.2.45", "ShopApp/7.4.1 iOS/18.1"),
            (120, attacker(30), Self.toolAgents[0]), (180, attacker(31), Self.toolAgents[0]),
            (240, attacker(32), Self.toolAgents[2]),
        ]
        for (seconds, address, agent) in uses {
            // One token: its iat and exp stay where they were when it was issued.
            let age = Int64(60 + seconds)
            add(
                access(
                    at: at(seconds),
                    service: "accounts-api",
                    subject: subject,
                    tokenID: tokenID,
                    address: address,
                    userAgent: agent,
                    accepted: true,
                    age: age
                )
            )
        }
    }

    /// `token_substitution`: the attacker's own token for orders-api, then presented to twelve
    /// services it is not for (nine audience mismatches, three tokens of a foreign issuer).
    mutating func tokenSubstitution() {
        let address = attacker(40)
        let subject = subject()
        let tokenID = tokenID()
        add(
            access(
                at: at(0),
                service: "orders-api",
                subject: subject,
                tokenID: tokenID,
                address: address,
                userAgent: Self.toolAgents[1],
                accepted: true
            )
        )
        let targets = [
            "payments-api", "accounts-api", "admin-console", "ledger-service", "billing-service", "invoices-api",
            "partner-api", "audit-export", "risk-engine", "profile-service", "subscriptions-api", "files-api",
        ]
        let audience = universe.text(universe.services[service("orders-api")].audience)
        for (step, name) in targets.enumerated() {
            let foreign = step % 4 == 3
            var event = access(
                at: at(15 + Double(step) * 14),
                service: name,
                subject: subject,
                tokenID: foreign ? self.tokenID() : tokenID,
                address: address,
                userAgent: Self.toolAgents[1],
                accepted: false,
                reason: foreign ? "issuer_mismatch" : "audience_mismatch",
                age: Int64(75 + step * 14)
            )
            if foreign {
                event.issuer = Self.attackerIssuer
                event.keyID = "evil-1"
            } else {
                event.audience = audience
            }
            add(event)
        }
    }

    /// `failures_then_success`: six rejections for one user from one address, then the guess
    /// that worked.
    mutating func failuresThenSuccess() {
        let address = attacker(50)
        let subject = subject()
        let reasons = ["bad_signature", "claims_invalid", "expired", "bad_signature", "claims_invalid", "expired"]
        for (step, reason) in reasons.enumerated() {
            var event = access(
                at: at(Double(step) * 20),
                service: "accounts-api",
                subject: subject,
                tokenID: tokenID(),
                address: address,
                userAgent: Self.toolAgents[2],
                accepted: false,
                reason: reason
            )
            if reason == "expired" {
                event.expiresIn = -1_200
                event.issuedIn = -2_100
            }
            add(event)
        }
        add(
            access(
                at: at(180),
                service: "accounts-api",
                subject: subject,
                tokenID: tokenID(),
                address: address,
                userAgent: Self.toolAgents[2],
                accepted: true
            )
        )
    }

    /// `expired_token_storm`: a batch client keeps sending its expired token, 150 times in 50 s,
    /// from two job runners, to four services (fewer than 50 rejections each: no rate spike).
    mutating func expiredStorm() {
        let tokenID = tokenID()
        let services = ["analytics-ingest", "reporting-api", "ledger-service", "audit-export"]
        for step in 0..<150 {
            let seconds = Double(step) / 3
            var event = access(
                at: at(seconds),
                service: services[step % services.count],
                subject: "reporting-job@clients",
                tokenID: tokenID,
                address: attacker(60 + step % 2),
                userAgent: "Apache-HttpClient/5.3.1 (Java/17.0.9)",
                accepted: false,
                reason: "expired"
            )
            // One token that expired 40 minutes before the storm.
            event.expiresIn = -2_400 - Int64(seconds)
            event.issuedIn = -3_300 - Int64(seconds)
            event.clientID = "reporting-job"
            add(event)
        }
    }
}
