/// Generates one connection's events as NDJSON bytes: realistic, deterministic for a seed.
///
/// The model: access tokens live in a pool; each validation picks a pooled token (a client
/// reusing its token across requests during its lifetime) or, when the picked token is used up
/// or expired, mints a new one for a Zipf-skewed subject, with that subject's issuer (its
/// algorithm and current or previous key id), OAuth client, user agent and usual address.
/// About ``TrafficConfiguration/rejectionShare`` of all events are rejected validations whose
/// fields agree with their reason (an `expired` token's `exp` lies before `ts`, an `alg_none`
/// token has `alg` none, ...). Refresh tokens are issued and rotated in families by the two
/// identity services. Timestamps advance with exponential gaps, so that the events span
/// `events / eventsPerSecond` seconds; every event has `seq` 1, 2, 3... per connection.
public struct TrafficGenerator {
    /// Why a generated validation was rejected, with its share of rejected validations.
    enum RejectReason: Int, CaseIterable {
        case expired, badSignature, audienceMismatch, keyUnknown, malformed, notYetValid, algNotAllowed
        case issuerMismatch, revoked, algNone, replayed, claimsInvalid, other

        var wireName: StaticString {
            switch self {
            case .expired: "expired"
            case .badSignature: "bad_signature"
            case .audienceMismatch: "audience_mismatch"
            case .keyUnknown: "key_unknown"
            case .malformed: "malformed"
            case .notYetValid: "not_yet_valid"
            case .algNotAllowed: "alg_not_allowed"
            case .issuerMismatch: "issuer_mismatch"
            case .revoked: "revoked"
            case .algNone: "alg_none"
            case .replayed: "replayed"
            case .claimsInvalid: "claims_invalid"
            case .other: "other"
            }
        }

        /// Share of rejected validations, in percent (the shares add up to 100).
        var percent: Int {
            switch self {
            case .expired: 38
            case .badSignature: 10
            case .audienceMismatch: 8
            case .keyUnknown, .malformed: 7
            case .notYetValid, .algNotAllowed, .issuerMismatch: 5
            case .revoked: 4
            case .algNone, .replayed, .claimsInvalid: 3
            case .other: 2
            }
        }
    }

    /// The wire names of every rejection reason the generator uses.
    public static var reasonNames: [String] { RejectReason.allCases.map { $0.wireName.description } }

    /// Share of all events that issue a refresh token (a login).
    static let issueShare = 0.006
    /// Share of all events that rotate a refresh token.
    static let rotateShare = 0.018
    /// Live access tokens per connection.
    static let tokenPoolSize = 4096
    /// Live refresh-token families per connection.
    static let familyPoolSize = 1024

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

    struct RefreshFamily {
        var familyHigh: UInt64 = 0
        var familyLow: UInt64 = 0
        var jtiHigh: UInt64 = 0
        var jtiLow: UInt64 = 0
        var subject: Int32 = -1
        var address: Int32 = 0
        var client: UInt8 = 0
        var userAgent: UInt8 = 0
    }

    private let universe: TrafficUniverse
    private var random: Xoshiro256StarStar
    private var tokens: [AccessToken]
    private var families: [RefreshFamily]
    private var familyCount = 0
    private let apiServiceWeights: ZipfDistribution
    private let meanGapMicros: Double
    private let validateRejection: Double
    private var clockMicros: Double
    private var sequence: Int64 = 0
    private var writer: ByteWriter

    /// Creates the generator of connection `connection` of `configuration`.
    public init(universe: TrafficUniverse, configuration: TrafficConfiguration, connection: Int) {
        precondition(configuration.eventsPerSecond > 0, "event time must advance")
        self.universe = universe
        random = Xoshiro256StarStar(seed: SplitMix64.mix(configuration.seed &+ UInt64(connection) &* 0x9E37_79B9))
        tokens = Array(repeating: AccessToken(), count: Self.tokenPoolSize)
        families = Array(repeating: RefreshFamily(), count: Self.familyPoolSize)
        apiServiceWeights = ZipfDistribution(count: universe.apiServices.count, exponent: 0.9)
        meanGapMicros = 1_000_000 * Double(configuration.connections) / configuration.eventsPerSecond
        validateRejection = min(1, configuration.rejectionShare / (1 - Self.issueShare - Self.rotateShare))
        clockMicros = Double(configuration.startMicros)
        writer = ByteWriter(capacity: 0)
    }

    /// Generates the next `count` events: their NDJSON bytes (one line each, `\n`-terminated)
    /// and the end offset of every line.
    public mutating func generate(count: Int) -> GeneratedStream {
        writer = ByteWriter(capacity: count * 480 + 4096)
        var lineEnds: [Int] = []
        lineEnds.reserveCapacity(count)
        let tableBytes = universe.table.bytes
        tableBytes.withUnsafeBufferPointer { table in
            for _ in 0..<count {
                appendEvent(table)
                lineEnds.append(writer.bytes.count)
            }
        }
        let bytes = writer.bytes
        writer = ByteWriter(capacity: 0)
        return GeneratedStream(bytes: bytes, lineEnds: lineEnds)
    }

    private mutating func appendEvent(_ table: UnsafeBufferPointer<UInt8>) {
        clockMicros += random.exponential(mean: meanGapMicros)
        sequence += 1
        let roll = random.unit()
        if roll < Self.issueShare {
            appendRefresh(rotate: false, table)
        } else if roll < Self.issueShare + Self.rotateShare {
            appendRefresh(rotate: true, table)
        } else {
            appendValidation(table)
        }
    }

    // MARK: - Access-token validations

    private mutating func mintToken(nowSeconds: Int64) -> AccessToken {
        let subject = universe.subject(ofRank: universe.subjectRanks.sample(using: &random))
        let issuerIndex = Int(universe.subjectIssuer[subject])
        let lifetime = universe.issuers[issuerIndex].accessLifetime
        let kidCount = universe.issuers[issuerIndex].kids.count
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
        token.service = UInt16(universe.apiServices[apiServiceWeights.sample(using: &random)])
        if random.chance(0.06) {
            token.secondService = Int16(universe.apiServices[random.below(universe.apiServices.count)])
        }
        token.issuer = UInt8(issuerIndex)
        token.kid = UInt8(random.chance(0.9) ? kidCount - 1 : random.below(kidCount))
        token.client = UInt8(clientIndex)
        token.userAgent = UInt8(universe.clients[clientIndex].userAgents[random.below(userAgentCount)])
        let scopeRoll = random.below(100)
        token.scope = UInt8(scopeRoll < 40 ? 0 : scopeRoll < 70 ? 1 : scopeRoll < 95 ? 2 : 3)
        return token
    }

    private mutating func pickReason() -> RejectReason {
        var roll = random.below(100)
        for reason in RejectReason.allCases {
            if roll < reason.percent { return reason }
            roll -= reason.percent
        }
        return .other
    }

    private mutating func appendValidation(_ table: UnsafeBufferPointer<UInt8>) {
        let nowMicros = Int64(clockMicros)
        let nowSeconds = nowMicros / 1_000_000
        let slot = random.below(Self.tokenPoolSize)
        if tokens[slot].remainingUses <= 0 || tokens[slot].expiresAt <= nowSeconds {
            tokens[slot] = mintToken(nowSeconds: nowSeconds)
        }
        var token = tokens[slot]
        let reason: RejectReason? = random.chance(validateRejection) ? pickReason() : nil
        let issuerIndex = Int(token.issuer)

        var service = Int(token.service)
        if token.secondService >= 0 && random.chance(0.3) { service = Int(token.secondService) }
        var alg: Span? = universe.issuers[issuerIndex].alg
        var kid: Span? = universe.issuers[issuerIndex].kids[Int(token.kid)]
        var unknownKid: UInt64? = nil
        var iss = universe.issuers[issuerIndex].iss
        var audience: Span? = nil
        var hasClaims = true
        var withScope = true
        var notBefore: Int64? = universe.issuers[issuerIndex].setsNotBefore ? token.issuedAt : nil

        if let reason {
            // A rejected validation is usually not a pooled token's normal use: derive its fields.
            switch reason {
            case .revoked:
                break
            case .replayed:
                token.address = Int32(random.below(universe.addressCount))
            default:
                token.jtiHigh = random.next()
                token.jtiLow = random.next()
            }
            switch reason {
            case .expired:
                let lifetime = token.expiresAt - token.issuedAt
                token.expiresAt = nowSeconds - Int64(random.within(1...3600))
                token.issuedAt = token.expiresAt - lifetime
                if notBefore != nil { notBefore = token.issuedAt }
            case .notYetValid:
                let lifetime = token.expiresAt - token.issuedAt
                token.issuedAt = nowSeconds + Int64(random.within(30...600))
                token.expiresAt = token.issuedAt + lifetime
                notBefore = token.issuedAt
            case .badSignature, .keyUnknown, .algNotAllowed, .algNone:
                if random.chance(0.4) {
                    token.address = Int32(universe.hostileAddresses[random.below(universe.hostileAddresses.count)])
                }
                if reason == .keyUnknown {
                    kid = nil
                    unknownKid = random.next()
                } else if reason == .algNotAllowed {
                    alg = random.chance(0.7) ? universe.algorithmHS256 : universe.algorithmRS384
                } else if reason == .algNone {
                    alg = universe.algorithmNone
                    kid = nil
                }
            case .issuerMismatch:
                iss = universe.foreignIssuers[random.below(universe.foreignIssuers.count)]
            case .audienceMismatch:
                var other = universe.apiServices[random.below(universe.apiServices.count)]
                if other == service { other = universe.apiServices[(other + 1) % universe.apiServices.count] }
                audience = universe.services[other].audience
            case .malformed:
                hasClaims = false
            case .claimsInvalid:
                withScope = false
            case .revoked, .replayed, .other:
                break
            }
        } else {
            tokens[slot].remainingUses -= 1
        }

        writer.append("{\"v\":1,\"ts\":\"")
        writer.appendTimestamp(micros: nowMicros, style: universe.services[service].timestampStyle)
        writer.append("\",\"service\":")
        writer.append(universe.services[service].name, from: table)
        if let reason {
            writer.append(",\"outcome\":\"rejected\",\"reason\":\"")
            writer.append(reason.wireName)
            writer.append(byte: UInt8(ascii: "\""))
        } else {
            writer.append(",\"outcome\":\"accepted\"")
        }
        if hasClaims {
            writer.append(",\"iss\":")
            writer.append(iss, from: table)
            writer.append(",\"sub\":")
            writer.append(universe.subjects[Int(token.subject)], from: table)
            writer.append(",\"jti\":\"")
            writer.appendBase64URL(high: token.jtiHigh, low: token.jtiLow)
            writer.append(byte: UInt8(ascii: "\""))
            if let alg {
                writer.append(",\"alg\":")
                writer.append(alg, from: table)
            }
            if let kid {
                writer.append(",\"kid\":")
                writer.append(kid, from: table)
            } else if let unknownKid {
                writer.append(",\"kid\":\"k")
                writer.appendHex(unknownKid, digits: 8)
                writer.append(byte: UInt8(ascii: "\""))
            }
            if let typ = universe.issuers[issuerIndex].typ {
                writer.append(",\"typ\":")
                writer.append(typ, from: table)
            }
            writer.append(",\"aud\":")
            if let audience {
                writer.append(audience, from: table)
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
            if let notBefore, logsAllClaims || reason == .notYetValid {
                writer.append(",\"nbf\":")
                writer.appendDecimal(notBefore)
            }
            if withScope && logsAllClaims {
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
            if universe.issuers[issuerIndex].clientIDLogged {
                writer.append(",\"client_id\":")
                writer.append(universe.clients[Int(token.client)].id, from: table)
            }
            if let tenant = universe.issuers[issuerIndex].tenant {
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
        writer.append(",\"seq\":")
        writer.appendDecimal(sequence)
        writer.append("}\n")
    }

    private mutating func latencyMicros(rejected: Bool) -> Int64 {
        if random.chance(0.01) {
            // A key-set refresh or a cold cache.
            return Int64(random.within(2_000...25_000))
        }
        return Int64((rejected ? 15 : 35) + random.exponential(mean: rejected ? 60 : 140))
    }

    // MARK: - Refresh tokens

    private mutating func appendRefresh(rotate: Bool, _ table: UnsafeBufferPointer<UInt8>) {
        let nowMicros = Int64(clockMicros)
        let nowSeconds = nowMicros / 1_000_000
        let slot: Int
        var parent: (UInt64, UInt64)? = nil
        if rotate && familyCount > 0 {
            slot = random.below(familyCount)
            parent = (families[slot].jtiHigh, families[slot].jtiLow)
        } else {
            // A login: a new family, in a free slot or instead of an old one (a login that ended).
            if familyCount < Self.familyPoolSize {
                slot = familyCount
                familyCount += 1
            } else {
                slot = random.below(Self.familyPoolSize)
            }
            let subject = universe.subject(ofRank: universe.subjectRanks.sample(using: &random))
            let clientIndex = Int(universe.subjectClient[subject])
            let userAgentCount = universe.clients[clientIndex].userAgents.count
            families[slot] = RefreshFamily(
                familyHigh: random.next(),
                familyLow: random.next(),
                jtiHigh: 0,
                jtiLow: 0,
                subject: Int32(subject),
                address: random.chance(0.85)
                    ? universe.subjectHomeAddress[subject] : Int32(random.below(universe.addressCount)),
                client: UInt8(clientIndex),
                userAgent: UInt8(universe.clients[clientIndex].userAgents[random.below(userAgentCount)])
            )
        }
        families[slot].jtiHigh = random.next()
        families[slot].jtiLow = random.next()
        let family = families[slot]
        let service = universe.refreshServices[random.below(universe.refreshServices.count)]
        let issuerIndex = Int(universe.subjectIssuer[Int(family.subject)])

        writer.append("{\"v\":1,\"ts\":\"")
        writer.appendTimestamp(micros: nowMicros, style: universe.services[service].timestampStyle)
        writer.append("\",\"service\":")
        writer.append(universe.services[service].name, from: table)
        writer.append(parent == nil ? ",\"kind\":\"issue\"" : ",\"kind\":\"rotate\"")
        writer.append(",\"token_type\":\"refresh\",\"iss\":")
        writer.append(universe.issuers[issuerIndex].iss, from: table)
        writer.append(",\"sub\":")
        writer.append(universe.subjects[Int(family.subject)], from: table)
        writer.append(",\"jti\":\"")
        writer.appendBase64URL(high: family.jtiHigh, low: family.jtiLow)
        writer.append("\",\"family\":\"")
        writer.appendBase64URL(high: family.familyHigh, low: family.familyLow)
        if let parent {
            writer.append("\",\"parent_jti\":\"")
            writer.appendBase64URL(high: parent.0, low: parent.1)
        }
        writer.append("\",\"exp\":")
        writer.appendDecimal(nowSeconds + 30 * 86_400)
        writer.append(",\"iat\":")
        writer.appendDecimal(nowSeconds)
        writer.append(",\"client_id\":")
        writer.append(universe.clients[Int(family.client)].id, from: table)
        writer.append(",\"client_ip\":")
        writer.append(universe.addresses[Int(family.address)], from: table)
        writer.append(",\"user_agent\":")
        writer.append(universe.userAgents[Int(family.userAgent)], from: table)
        writer.append(",\"latency_us\":")
        writer.appendDecimal(Int64(200 + random.exponential(mean: 900)))
        writer.append(",\"seq\":")
        writer.appendDecimal(sequence)
        writer.append("}\n")
    }
}
