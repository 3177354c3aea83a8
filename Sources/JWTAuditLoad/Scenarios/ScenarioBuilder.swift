/// Builds a ``ScenarioPlan``: the attackers, their victims and their tokens, and the events in
/// time. One method per scenario, grouped by concept in `ScenarioBuilder+*.swift`.
struct ScenarioBuilder {
    let configuration: TrafficConfiguration
    let universe: TrafficUniverse
    /// When each issuer rotates to its last key id (the generator's schedule).
    let rotationMicros: [Int64]
    /// When the attack starts.
    let start: Int64
    var random: Xoshiro256StarStar
    var events: [ScenarioEvent] = []
    var silence: ScenarioPlan.Silence?
    var sequenceGap: ScenarioPlan.SequenceGap?

    /// The issuer most attacks target: RS256, three key ids, `client_id` logged.
    static let mainIssuer = 0
    /// An issuer that no service trusts (for `issuer_mismatch` in an attack).
    static let attackerIssuer = "https://accounts.evil.example/"
    /// User agents of attack tools.
    static let toolAgents = ["python-requests/2.31.0", "curl/7.88.1", "Go-http-client/1.1", "jwt_tool/2.2.6"]

    init(configuration: TrafficConfiguration, universe: TrafficUniverse, rotationMicros: [Int64]) {
        self.configuration = configuration
        self.universe = universe
        self.rotationMicros = rotationMicros
        start = configuration.attackStartMicros ?? configuration.startMicros
        random = Xoshiro256StarStar(seed: SplitMix64.mix(configuration.seed ^ 0x5CE7_A210_A77A_C4ED))
    }

    mutating func build(_ scenario: AttackScenario) {
        switch scenario {
        case .algNoneAttempt: algNone()
        case .algConfusion: algConfusion()
        case .bruteForceSignature: bruteForce()
        case .tokenSpray: tokenSpray()
        case .failureRateSpike: failureRateSpike()
        case .refreshTokenReuse: refreshReuse(race: false)
        case .refreshRace: refreshReuse(race: true)
        case .tokenReplay: tokenReplay()
        case .keyProbe: keyProbe()
        case .tokenSubstitution: tokenSubstitution()
        case .validatorMisconfig: validatorMisconfig()
        case .expiredTokenStorm: expiredStorm()
        case .failuresThenSuccess: failuresThenSuccess()
        case .headerInjection: headerInjection()
        case .retiredKey: retiredKey()
        case .clockSkew: clockSkew()
        case .loggingGap: loggingGap()
        case .eventLoss: eventLoss()
        }
    }

    // MARK: - Building blocks

    /// Event time `seconds` after the attack's start.
    func at(_ seconds: Double) -> Int64 {
        start + Int64(seconds * 1_000_000)
    }

    /// Attacker address `index` (0-based): 198.51.100.1-254, then 203.0.113.1-254, then
    /// 192.0.2.1-254, none of which the benign population uses.
    func attacker(_ index: Int) -> String {
        let prefixes = ["198.51.100.", "203.0.113.", "192.0.2."]
        return prefixes[index / 254 % 3] + String(index % 254 + 1)
    }

    /// A fresh 128-bit `jti` in base64url.
    mutating func tokenID() -> String {
        var writer = ByteWriter(capacity: 22)
        writer.appendBase64URL(high: random.next(), low: random.next())
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// A subject of the main issuer's form that the benign population does not have.
    mutating func subject() -> String {
        var writer = ByteWriter(capacity: 32)
        writer.append("auth0|")
        writer.appendHex(random.next(), digits: 16)
        writer.appendHex(random.next(), digits: 8)
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// The index of the service named `name` (one of the population's).
    func service(_ name: String) -> Int {
        guard let index = universe.serviceNames.firstIndex(of: name) else {
            preconditionFailure("no service \(name)")
        }
        return index
    }

    /// The key id the main issuer signs with at `micros`.
    func currentKeyID(at micros: Int64, issuer: Int = ScenarioBuilder.mainIssuer) -> String {
        let kids = universe.issuers[issuer].kids
        return universe.text(kids[micros < rotationMicros[issuer] ? kids.count - 2 : kids.count - 1])
    }

    /// An access-token validation at `service` by the main issuer's rules: issued `age` seconds
    /// before `ts`, living 15 minutes, for that service's audience.
    func access(
        at micros: Int64,
        service name: String,
        subject: String,
        tokenID: String,
        address: String,
        userAgent: String,
        accepted: Bool,
        reason: String? = nil,
        age: Int64 = 60
    ) -> ScenarioEvent {
        let index = service(name)
        let issuer = universe.issuers[Self.mainIssuer]
        return ScenarioEvent(
            micros: micros,
            service: name,
            outcome: accepted ? "accepted" : "rejected",
            reason: accepted ? nil : reason,
            issuer: universe.text(issuer.iss),
            subject: subject,
            tokenID: tokenID,
            algorithm: universe.text(issuer.alg),
            keyID: currentKeyID(at: micros),
            audience: universe.text(universe.services[index].audience),
            expiresIn: issuer.accessLifetime - age,
            issuedIn: -age,
            clientID: "web-portal",
            clientIP: address,
            userAgent: userAgent,
            timestampStyle: universe.services[index].timestampStyle
        )
    }

    mutating func add(_ event: ScenarioEvent) {
        events.append(event)
    }
}
