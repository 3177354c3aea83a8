/// Refresh-token families: a login, a rotation, and the superseded token coming back.
extension ScenarioBuilder {
    /// `refresh_token_reuse` (`race` false): the superseded token is presented from the
    /// attacker's address four minutes after its rotation, and accepted. `refresh_race` (`race`
    /// true): the client itself presents it again 0.8 s after the rotation, from the same address
    /// with the same user agent (a double refresh), within the 30 s grace.
    mutating func refreshReuse(race: Bool) {
        let name = race ? "token-service" : "auth-gateway"
        let index = service(name)
        let issuer = universe.issuers[Self.mainIssuer]
        let subject = subject()
        let family = tokenID()
        let first = tokenID()
        let second = tokenID()
        let address = race ? "192.0.2.77" : "192.0.2.78"
        let agent = "ShopApp/7.4.1 iOS/18.1"
        let monthSeconds: Int64 = 30 * 86_400

        func event(_ seconds: Double, kind: String?, tokenID: String, issuedAgo: Int64) -> ScenarioEvent {
            ScenarioEvent(
                micros: at(seconds),
                service: name,
                kind: kind,
                outcome: kind == nil ? "accepted" : nil,
                tokenType: "refresh",
                issuer: universe.text(issuer.iss),
                subject: subject,
                tokenID: tokenID,
                algorithm: kind == nil ? universe.text(issuer.alg) : nil,
                keyID: kind == nil ? currentKeyID(at: at(seconds)) : nil,
                audience: kind == nil ? universe.text(issuer.iss) : nil,
                expiresIn: monthSeconds - issuedAgo,
                issuedIn: -issuedAgo,
                clientID: "ios-app",
                clientIP: address,
                userAgent: agent,
                family: family,
                timestampStyle: universe.services[index].timestampStyle
            )
        }

        add(event(0, kind: "issue", tokenID: first, issuedAgo: 0))
        let refresh = race ? 60.0 : 40.0
        add(event(refresh, kind: nil, tokenID: first, issuedAgo: Int64(refresh)))
        var rotate = event(refresh + 0.02, kind: "rotate", tokenID: second, issuedAgo: 0)
        rotate.parentTokenID = first
        add(rotate)
        if race {
            add(event(refresh + 0.8, kind: nil, tokenID: first, issuedAgo: Int64(refresh)))
        } else {
            var reuse = event(280, kind: nil, tokenID: first, issuedAgo: 280)
            reuse.clientIP = attacker(70)
            reuse.userAgent = Self.toolAgents[0]
            add(reuse)
        }
    }
}
