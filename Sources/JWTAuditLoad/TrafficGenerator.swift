/// Generates one connection's events as NDJSON bytes: realistic, deterministic for a seed, and
/// quiet: benign traffic that a detector with DESIGN section 3's defaults raises nothing on.
///
/// The model: access tokens live in a pool; each validation picks a pooled token (a client
/// reusing its token across requests during its lifetime, sometimes in a burst) or, when the
/// picked token is used up or expired, mints a new one for a Zipf-skewed subject, with that
/// subject's issuer (its algorithm and current key id), OAuth client, user agent and usual
/// address. A jti is only ever used from the address it was minted for. Each issuer rotates its
/// key once (``TrafficSchedule``): new tokens carry the new `kid`, older ones stay accepted until
/// they expire, and a stale key cache or two logs a `key_unknown`.
///
/// About ``TrafficConfiguration/rejectionShare`` of all events are rejected validations whose
/// fields agree with their reason, mostly just-expired tokens, never an attack's reason. Each
/// comes from its subject's usual address, and budgets keep every address under 5 rejections in
/// any 10 minutes and every OAuth client under 60 `expired` in any minute (subjects and
/// addresses are shared out between the connections, so the bounds hold over all of them).
/// Refresh tokens live in families (see `TrafficGenerator+Refresh.swift`). Every service emits at
/// least once a minute of event time. Timestamps advance with exponential gaps, so that the
/// events span ``TrafficConfiguration/spanSeconds``; every event has `seq` 1, 2, 3... per
/// connection (unless the `event_loss` scenario skips some).
public struct TrafficGenerator {
    /// Why a generated validation was rejected, with its share of rejected validations.
    enum RejectReason: Int, CaseIterable {
        case expired, malformed, claimsInvalid, notYetValid, audienceMismatch, badSignature, other, issuerMismatch
        case keyUnknown

        var wireName: StaticString {
            switch self {
            case .expired: "expired"
            case .malformed: "malformed"
            case .claimsInvalid: "claims_invalid"
            case .notYetValid: "not_yet_valid"
            case .audienceMismatch: "audience_mismatch"
            case .badSignature: "bad_signature"
            case .other: "other"
            case .issuerMismatch: "issuer_mismatch"
            case .keyUnknown: "key_unknown"
            }
        }

        /// Share of rejected validations, in percent (the shares add up to 100); `key_unknown`
        /// only follows a key rotation.
        var percent: Int {
            switch self {
            case .expired: 52
            case .malformed, .claimsInvalid: 10
            case .notYetValid: 8
            case .audienceMismatch: 6
            case .badSignature, .other: 5
            case .issuerMismatch: 4
            case .keyUnknown: 0
            }
        }
    }

    /// The wire names of every rejection reason the benign traffic uses.
    public static var reasonNames: [String] { RejectReason.allCases.map { $0.wireName.description } }

    /// Share of all events that issue a refresh token (a login).
    static let issueShare = 0.006
    /// Share of all events that start a refresh: a validation of the family's current refresh
    /// token, followed by its rotation (so twice this share of events).
    static let refreshShare = 0.018
    /// Share of all events that revoke a family (a logout).
    static let revokeShare = 0.001
    /// Chance that a client refreshes twice at once (a benign `refresh_race`).
    static let raceChance = 0.02
    /// Chance per accepted validation that its token starts a burst of requests.
    static let burstChance = 0.000_5
    /// Live access tokens per connection.
    static let tokenPoolSize = 4096
    /// Live refresh-token families per connection.
    static let familyPoolSize = 4096
    /// Zipf exponent of the API services' traffic.
    static let serviceExponent = 0.9
    /// A service silent this long gets the next event.
    static let keepaliveMicros: Int64 = 60_000_000
    /// Rejections per address in each (staggered) 10-minute window: at most 4 in any 10 minutes,
    /// below `failures_then_success` (5), `token_spray` (10) and the others.
    static let addressRejectionLimit = 2
    /// `expired` per OAuth client in each (staggered) minute: at most 60 in any minute, below
    /// `expired_token_storm` (100).
    static let clientExpiredLimit = 30

    struct AccessToken {
        var jtiHigh: UInt64 = 0
        var jtiLow: UInt64 = 0
        var subject: Int32 = 0
        var address: Int32 = 0
        var issuedAt: Int64 = 0
        var expiresAt: Int64 = 0
        var remainingUses: Int32 = 0
        var service: UInt16 = 0
        var secondService: Int16 = -1
        var issuer: UInt8 = 0
        var kid: UInt8 = 0
        var client: UInt8 = 0
        var userAgent: UInt8 = 0
        var scope: UInt8 = 0
    }

    let universe: TrafficUniverse
    let schedule: TrafficSchedule
    let connection: Int
    let connections: Int
    var random: Xoshiro256StarStar
    var tokens: [AccessToken]
    var families: [RefreshFamily]
    var familyCount = 0
    let apiServiceWeights: ZipfDistribution
    let meanGapMicros: Double
    let validateRejection: Double
    var clockMicros: Double
    /// `ts` of the last line written: no line goes back in time.
    var lastMicros: Int64
    var sequence: Int64 = 0
    var writer: ByteWriter

    /// Subjects whose rejections this connection generates: those whose usual address it owns
    /// (address % connections == connection).
    let ownedSubjects: [Int32]
    /// Rejections per owned address (index address / connections).
    var addressBudget: WindowBudget
    /// `expired` per OAuth client (client k belongs to connection k % connections).
    var clientBudget: WindowBudget

    var serviceLastMicros: [Int64]
    var keepaliveCursor = 0
    var burstSlot = 0
    var burstRemaining = 0

    /// The earliest time at which a scheduled line may be due; `Int64.min` when one is pending.
    var nextScheduledMicros: Int64 = .max
    /// A family whose refresh was validated and whose rotation is the next line (-1: none).
    var pendingRotation = -1
    var pendingRotationMicros: Int64 = 0
    var races: [PendingRace] = []
    let staleKeyEvents: [TrafficSchedule.StaleKeyEvent]
    var staleKeyIndex = 0
    let attackEvents: [ScenarioEvent]
    var attackIndex = 0
    var sequenceGap: ScenarioPlan.SequenceGap?
    /// Lines of the current ``generate(count:)`` call that the attack wrote.
    var attackLines: [Int] = []
    var lineIndex = 0

    /// Creates the generator of connection `connection` of `configuration`.
    public init(universe: TrafficUniverse, configuration: TrafficConfiguration, connection: Int) {
        self.init(
            universe: universe,
            schedule: TrafficSchedule(configuration: configuration, universe: universe),
            configuration: configuration,
            connection: connection
        )
    }

    /// Creates the generator of connection `connection`, with the schedule all connections share.
    init(universe: TrafficUniverse, schedule: TrafficSchedule, configuration: TrafficConfiguration, connection: Int) {
        precondition(configuration.eventsPerSecond > 0, "event time must advance")
        self.universe = universe
        self.schedule = schedule
        self.connection = connection
        connections = max(1, configuration.connections)
        random = Xoshiro256StarStar(seed: SplitMix64.mix(configuration.seed &+ UInt64(connection) &* 0x9E37_79B9))
        tokens = Array(repeating: AccessToken(), count: Self.tokenPoolSize)
        families = Array(repeating: RefreshFamily(), count: Self.familyPoolSize)
        apiServiceWeights = ZipfDistribution(count: universe.apiServices.count, exponent: Self.serviceExponent)
        meanGapMicros = 1_000_000 * Double(connections) / configuration.effectiveEventsPerSecond
        let otherShare = Self.issueShare + 2 * Self.refreshShare + Self.revokeShare
        validateRejection = min(1, configuration.rejectionShare / (1 - otherShare))
        clockMicros = Double(configuration.startMicros)
        lastMicros = configuration.startMicros
        writer = ByteWriter(capacity: 0)

        var owned: [Int32] = []
        owned.reserveCapacity(universe.subjectCount / connections + 1)
        for subject in 0..<universe.subjectCount
        where Int(universe.subjectHomeAddress[subject]) % connections == connection {
            owned.append(Int32(subject))
        }
        ownedSubjects = owned
        addressBudget = WindowBudget(
            count: universe.addressCount / connections + 1,
            windowSeconds: 600,
            limit: Self.addressRejectionLimit
        )
        clientBudget = WindowBudget(count: universe.clients.count, windowSeconds: 60, limit: Self.clientExpiredLimit)
        serviceLastMicros = Array(repeating: configuration.startMicros, count: universe.services.count)
        staleKeyEvents = schedule.staleKeyEvents.filter { $0.connection == connection }
        attackEvents = connection == 0 ? schedule.plan?.events ?? [] : []
        sequenceGap = connection == 0 ? schedule.plan?.sequenceGap : nil
        updateNextScheduled()
    }

    /// Generates the next `count` events: their NDJSON bytes (one line each, `\n`-terminated)
    /// and the end offset of every line.
    public mutating func generate(count: Int) -> GeneratedStream {
        writer = ByteWriter(capacity: count * 480 + 4096)
        attackLines = []
        var lineEnds: [Int] = []
        lineEnds.reserveCapacity(count)
        let tableBytes = universe.table.bytes
        tableBytes.withUnsafeBufferPointer { table in
            for index in 0..<count {
                lineIndex = index
                appendEvent(table)
                lineEnds.append(writer.bytes.count)
            }
        }
        let bytes = writer.bytes
        writer = ByteWriter(capacity: 0)
        return GeneratedStream(bytes: bytes, lineEnds: lineEnds, attackLines: attackLines)
    }

    private mutating func appendEvent(_ table: UnsafeBufferPointer<UInt8>) {
        clockMicros += random.exponential(mean: meanGapMicros)
        sequence += 1
        let now = Int64(clockMicros)
        if now >= nextScheduledMicros && appendScheduled(now: now, table) { return }
        // A service silent for a minute gets this event: every service emits steadily.
        let cursor = keepaliveCursor
        keepaliveCursor = cursor + 1 == serviceLastMicros.count ? 0 : cursor + 1
        if now - serviceLastMicros[cursor] > Self.keepaliveMicros && !isSilenced(cursor, at: now) {
            appendKeepalive(service: cursor, now: now, table)
            return
        }
        let roll = random.unit()
        if roll < Self.issueShare {
            appendIssue(now: now, service: nil, table)
        } else if roll < Self.issueShare + Self.refreshShare {
            appendRefreshValidation(now: now, table)
        } else if roll < Self.issueShare + Self.refreshShare + Self.revokeShare {
            appendRevoke(now: now, table)
        } else {
            appendValidation(now: now, table)
        }
    }

    /// Whether `service` is silenced (the `logging_gap` scenario) at `micros`.
    @inline(__always)
    func isSilenced(_ service: Int, at micros: Int64) -> Bool {
        service == schedule.silencedService && micros >= schedule.silenceFrom && micros < schedule.silenceUntil
    }

    // MARK: - Access-token validations

    /// The index of the key id `issuer` signs a token minted at `micros` with: before its
    /// rotation the second-to-last (now and then an older one), after it the last (for a while
    /// now and then still the previous one: signers switch over one by one).
    mutating func keyIndex(issuer: Int, at micros: Int64) -> Int {
        let count = universe.issuers[issuer].kids.count
        let rotation = schedule.rotationMicros[issuer]
        if micros < rotation {
            return count >= 3 && random.chance(0.05) ? random.below(count - 2) : count - 2
        }
        return micros < rotation + TrafficSchedule.overlapMicros && random.chance(0.2) ? count - 2 : count - 1
    }

    /// An API service by the services' Zipf weights, never a silenced one: a silenced service's
    /// share goes to the others in proportion to theirs.
    mutating func apiService(at micros: Int64) -> Int {
        while true {
            let service = universe.apiServices[apiServiceWeights.sample(using: &random)]
            if !isSilenced(service, at: micros) { return service }
        }
    }

    mutating func mintToken(now: Int64, service: Int? = nil) -> AccessToken {
        let nowSeconds = now / 1_000_000
        let subject = universe.subject(ofRank: universe.subjectRanks.sample(using: &random))
        let issuerIndex = Int(universe.subjectIssuer[subject])
        let lifetime = universe.issuers[issuerIndex].accessLifetime
        let clientIndex = Int(universe.subjectClient[subject])
        let userAgentCount = universe.clients[clientIndex].userAgents.count
        var token = AccessToken()
        token.jtiHigh = random.next()
        token.jtiLow = random.next()
        token.subject = Int32(subject)
        token.address =
            random.chance(0.8) ? universe.subjectHomeAddress[subject] : Int32(random.below(universe.addressCount))
        token.issuedAt = nowSeconds - Int64(random.below(Int(min(lifetime / 4, 120))))
        token.expiresAt = token.issuedAt + lifetime
        token.remainingUses = Int32(min(40, 1 + Int(random.exponential(mean: 5))))
        token.service = UInt16(service ?? apiService(at: now))
        if random.chance(0.06) {
            let second = universe.apiServices[random.below(universe.apiServices.count)]
            if !isSilenced(second, at: now) { token.secondService = Int16(second) }
        }
        token.issuer = UInt8(issuerIndex)
        token.kid = UInt8(keyIndex(issuer: issuerIndex, at: now))
        token.client = UInt8(clientIndex)
        token.userAgent = UInt8(universe.clients[clientIndex].userAgents[random.below(userAgentCount)])
        token.scope = pickScope()
        return token
    }

    mutating func pickScope() -> UInt8 {
        let scopeRoll = random.below(100)
        return UInt8(scopeRoll < 40 ? 0 : scopeRoll < 70 ? 1 : scopeRoll < 95 ? 2 : 3)
    }

    private mutating func pickReason() -> RejectReason {
        var roll = random.below(100)
        for reason in RejectReason.allCases {
            if roll < reason.percent { return reason }
            roll -= reason.percent
        }
        return .other
    }

    private mutating func appendValidation(now: Int64, _ table: UnsafeBufferPointer<UInt8>) {
        if random.chance(validateRejection) {
            let reason = pickReason()
            if appendRejection(reason, issuer: nil, now: now, table) { return }
            // Budgets refused: another reason (expired is the one budgeted per client) or, failing
            // that, an accepted validation.
            if reason == .expired && appendRejection(.nonExpired(&random), issuer: nil, now: now, table) { return }
        }
        let nowSeconds = now / 1_000_000
        var slot: Int
        if burstRemaining > 0 && random.chance(0.5) {
            slot = burstSlot
            burstRemaining -= 1
        } else {
            slot = random.below(Self.tokenPoolSize)
        }
        if tokens[slot].remainingUses <= 0 || tokens[slot].expiresAt <= nowSeconds {
            if slot == burstSlot { burstRemaining = 0 }
            tokens[slot] = mintToken(now: now)
        } else if burstRemaining == 0 && random.chance(Self.burstChance) {
            // A page load, a sync, a batch: a burst of requests with this token.
            burstSlot = slot
            burstRemaining = random.within(30...300)
            tokens[slot].remainingUses = Int32.max
        }
        var service = Int(tokens[slot].service)
        if tokens[slot].secondService >= 0 && random.chance(0.3) { service = Int(tokens[slot].secondService) }
        if isSilenced(service, at: now) {
            tokens[slot] = mintToken(now: now)
            service = Int(tokens[slot].service)
        }
        tokens[slot].remainingUses -= 1
        writeAccess(tokens[slot], service: service, reason: nil, now: now, table)
    }

    /// A minted token validated at `service` by a service that has been silent for a minute.
    private mutating func appendKeepalive(service: Int, now: Int64, _ table: UnsafeBufferPointer<UInt8>) {
        if universe.refreshServices.contains(service) {
            appendIssue(now: now, service: service, table)
            return
        }
        let slot = random.below(Self.tokenPoolSize)
        if slot == burstSlot { burstRemaining = 0 }
        tokens[slot] = mintToken(now: now, service: service)
        tokens[slot].remainingUses -= 1
        writeAccess(tokens[slot], service: service, reason: nil, now: now, table)
    }

    /// Writes a rejection for `reason` (for `key_unknown`, of `issuer`'s new key) if a subject
    /// this connection owns has budget left: the subject's usual address below its rejection
    /// budget, and for `expired` its OAuth client below its own. Returns false when none was
    /// found in a few tries.
    mutating func appendRejection(
        _ reason: RejectReason,
        issuer: Int?,
        now: Int64,
        _ table: UnsafeBufferPointer<UInt8>
    ) -> Bool {
        guard !ownedSubjects.isEmpty else { return false }
        let nowSeconds = now / 1_000_000
        let service = universe.apiServices[apiServiceWeights.sample(using: &random)]
        // A silenced service rejects nothing either; the others' rejections stay as they were.
        if isSilenced(service, at: now) { return false }
        for _ in 0..<(issuer == nil ? 4 : 64) {
            let subject = Int(ownedSubjects[random.below(ownedSubjects.count)])
            let issuerIndex = Int(universe.subjectIssuer[subject])
            if let issuer, issuer != issuerIndex { continue }
            let address = Int(universe.subjectHomeAddress[subject])
            let addressKey = address / connections
            guard addressBudget.allows(addressKey, at: nowSeconds) else { continue }
            let clientIndex = Int(universe.subjectClient[subject])
            let countsForClient = reason == .expired && universe.issuers[issuerIndex].clientIDLogged
            if countsForClient {
                guard clientIndex % connections == connection, clientBudget.allows(clientIndex, at: nowSeconds)
                else { continue }
                clientBudget.use(clientIndex, at: nowSeconds)
            }
            addressBudget.use(addressKey, at: nowSeconds)

            let lifetime = universe.issuers[issuerIndex].accessLifetime
            let userAgents = universe.clients[clientIndex].userAgents
            var token = AccessToken()
            token.jtiHigh = random.next()
            token.jtiLow = random.next()
            token.subject = Int32(subject)
            token.address = Int32(address)
            switch reason {
            case .expired:
                // Sent just after it expired, before the client refreshed.
                token.expiresAt = nowSeconds - Int64(random.within(1...240))
                token.issuedAt = token.expiresAt - lifetime
            case .notYetValid:
                // The issuer's clock runs a little ahead of this service's.
                token.issuedAt = nowSeconds + Int64(random.within(2...45))
                token.expiresAt = token.issuedAt + lifetime
            default:
                token.issuedAt = nowSeconds - Int64(random.below(Int(min(lifetime / 4, 120))))
                token.expiresAt = token.issuedAt + lifetime
            }
            token.service = UInt16(service)
            token.issuer = UInt8(issuerIndex)
            token.kid =
                reason == .keyUnknown
                ? UInt8(universe.issuers[issuerIndex].kids.count - 1) : UInt8(keyIndex(issuer: issuerIndex, at: now))
            token.client = UInt8(clientIndex)
            token.userAgent = UInt8(userAgents[random.below(userAgents.count)])
            token.scope = pickScope()
            writeAccess(token, service: Int(token.service), reason: reason, now: now, table)
            return true
        }
        return false
    }

    /// Writes `{"v":1,"ts":"…","service":…` and notes that `service` emitted at `micros`.
    @inline(__always)
    mutating func beginLine(micros: Int64, service: Int, _ table: UnsafeBufferPointer<UInt8>) {
        lastMicros = micros
        serviceLastMicros[service] = micros
        writer.append("{\"v\":1,\"ts\":\"")
        writer.appendTimestamp(micros: micros, style: universe.services[service].timestampStyle)
        writer.append("\",\"service\":")
        writer.append(universe.services[service].name, from: table)
    }

    /// Writes `,"seq":N}` and the newline.
    @inline(__always)
    mutating func endLine() {
        writer.append(",\"seq\":")
        writer.appendDecimal(sequence)
        writer.append("}\n")
    }

    private mutating func writeAccess(
        _ token: AccessToken,
        service: Int,
        reason: RejectReason?,
        now: Int64,
        _ table: UnsafeBufferPointer<UInt8>
    ) {
        let issuerIndex = Int(token.issuer)
        let issuer = universe.issuers[issuerIndex]
        beginLine(micros: now, service: service, table)
        if let reason {
            writer.append(",\"outcome\":\"rejected\",\"reason\":\"")
            writer.append(reason.wireName)
            writer.append(byte: UInt8(ascii: "\""))
        } else {
            writer.append(",\"outcome\":\"accepted\"")
        }
        if reason != .malformed {
            writer.append(",\"iss\":")
            if reason == .issuerMismatch {
                writer.append(universe.foreignIssuers[Int(token.jtiLow % 3)], from: table)
            } else {
                writer.append(issuer.iss, from: table)
            }
            writer.append(",\"sub\":")
            writer.append(universe.subjects[Int(token.subject)], from: table)
            writer.append(",\"jti\":\"")
            writer.appendBase64URL(high: token.jtiHigh, low: token.jtiLow)
            writer.append("\",\"alg\":")
            writer.append(issuer.alg, from: table)
            writer.append(",\"kid\":")
            writer.append(issuer.kids[Int(token.kid)], from: table)
            if let typ = issuer.typ {
                writer.append(",\"typ\":")
                writer.append(typ, from: table)
            }
            writer.append(",\"aud\":")
            if reason == .audienceMismatch {
                // The token of another service, sent here by mistake.
                let apiCount = universe.apiServices.count
                var other = universe.apiServices[Int(token.jtiHigh % UInt64(apiCount))]
                if other == service { other = universe.apiServices[(other + 1) % apiCount] }
                writer.append(universe.services[other].audience, from: table)
            } else if token.secondService >= 0 {
                writer.append(byte: UInt8(ascii: "["))
                writer.append(universe.services[Int(token.service)].audience, from: table)
                writer.append(byte: UInt8(ascii: ","))
                writer.append(universe.services[Int(token.secondService)].audience, from: table)
                writer.append(byte: UInt8(ascii: "]"))
            } else {
                writer.append(universe.services[service].audience, from: table)
            }
            writer.append(",\"exp\":")
            writer.appendDecimal(token.expiresAt)
            let logsAllClaims = universe.services[service].logsAllClaims
            if logsAllClaims {
                writer.append(",\"iat\":")
                writer.appendDecimal(token.issuedAt)
            }
            // A service that rejects for `nbf` logs the claim that failed, whatever else it omits.
            if issuer.setsNotBefore && logsAllClaims || reason == .notYetValid {
                writer.append(",\"nbf\":")
                writer.appendDecimal(token.issuedAt)
            }
            if reason != .claimsInvalid && logsAllClaims {
                let scopes = universe.services[Int(token.service)].scopes
                let scope =
                    switch token.scope {
                    case 0: scopes.0
                    case 1: scopes.1
                    case 2: scopes.2
                    default: scopes.3
                    }
                writer.append(",\"scope\":")
                writer.append(scope, from: table)
            }
            if issuer.clientIDLogged {
                writer.append(",\"client_id\":")
                writer.append(universe.clients[Int(token.client)].id, from: table)
            }
            if let tenant = issuer.tenant {
                writer.append(",\"tenant\":")
                writer.append(tenant, from: table)
            }
        }
        writer.append(",\"client_ip\":")
        writer.append(universe.addresses[Int(token.address)], from: table)
        writer.append(",\"user_agent\":")
        writer.append(universe.userAgents[Int(token.userAgent)], from: table)
        writer.append(",\"latency_us\":")
        writer.appendDecimal(latencyMicros(rejected: reason != nil))
        endLine()
    }

    private mutating func latencyMicros(rejected: Bool) -> Int64 {
        if random.chance(0.01) {
            // A key-set refresh or a cold cache.
            return Int64(random.within(2_000...25_000))
        }
        return Int64((rejected ? 15 : 35) + random.exponential(mean: rejected ? 60 : 140))
    }
}

extension TrafficGenerator.RejectReason {
    private static let others = allCases.filter { $0 != .expired && $0 != .keyUnknown }
    private static let othersPercent = others.reduce(0) { $0 + $1.percent }

    /// A reason other than `expired` and `key_unknown`, by the shares of the others.
    static func nonExpired(_ random: inout Xoshiro256StarStar) -> Self {
        var roll = random.below(othersPercent)
        for reason in others {
            if roll < reason.percent { return reason }
            roll -= reason.percent
        }
        return .other
    }
}
