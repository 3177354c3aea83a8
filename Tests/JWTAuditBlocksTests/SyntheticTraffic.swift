import Foundation
import JWTAuditModel

/// A deterministic generator of realistic validation traffic, self-contained so these tests do
/// not wait for the shared testing target: dozens of services, a few issuers, 100k Zipf-skewed
/// subjects, 50k client addresses, a handful of user agents, about 5 % rejections, access tokens
/// (22-character random `jti`) validated by 1–4 services per request and reused across requests,
/// `exp = iat + 900` or `3600`, `ts` rising in µs–ms steps, per-producer `seq`, `received_at` a
/// few ms after `ts`, 8 producers with one peer uid each.
struct SyntheticTraffic {
    struct Token {
        var jti: String
        var subject: String
        var issuer: Int
        var audience: Audience
        var scope: String
        var clientID: String
        var tenant: String?
        var issuedAt: Int64
        var lifetime: Int64
        var clientIP: String
        var userAgent: String
        var fingerprint: String
    }

    struct Producer {
        var name: String
        var uid: UInt32
        var gid: UInt32
        var pid: Int32
        var sequence: Int64
    }

    var random: SplitMix64
    /// Whether events carry `token_fp` (the collector computes it when producers send `token`).
    var withFingerprints: Bool
    private(set) var now: Int64 = 1_767_225_600_000_000  // 2026-01-01T00:00:00Z
    private var pool: [Token] = []
    private var pending: [AuditEvent] = []
    private var producers: [Producer]
    private let subjectZipf: ZipfTable
    private let addressZipf: ZipfTable

    static let services: [String] = {
        let domains = ["orders", "payments", "catalog", "search", "users", "billing", "inventory", "shipping",
                       "notifications", "reports", "profile", "checkout", "gateway", "auth-proxy"]
        let roles = ["api", "worker", "graphql"]
        var names: [String] = []
        for domain in domains {
            for role in roles { names.append("\(domain)-\(role)") }
        }
        return names
    }()

    static let issuers = ["https://login.example.com/", "https://sts.partner.example.net/realms/prod",
                          "https://idp.internal.example/oauth2/default"]
    static let userAgents = ["okhttp/4.12.0", "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                             + "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
                             "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 "
                             + "(KHTML, like Gecko) Version/18.1 Mobile/15E148 Safari/604.1",
                             "python-requests/2.32.3", "Go-http-client/2.0", "grpc-java-netty/1.68.1"]
    static let scopes = ["openid profile", "orders:read orders:write", "catalog:read", "payments:write",
                         "openid profile email offline_access", "admin"]
    static let reasons: [(Reason, Int)] = [(.expired, 40), (.badSignature, 10), (.audienceMismatch, 10),
                                           (.issuerMismatch, 5), (.keyUnknown, 8), (.notYetValid, 5),
                                           (.malformed, 7), (.revoked, 5), (.claimsInvalid, 6),
                                           (.algNotAllowed, 2), (.other, 2)]

    init(seed: UInt64 = 42, withFingerprints: Bool = false) {
        random = SplitMix64(seed: seed)
        self.withFingerprints = withFingerprints
        subjectZipf = ZipfTable(count: 100_000, exponent: 1.05)
        addressZipf = ZipfTable(count: 50_000, exponent: 0.9)
        producers = (0..<8).map { index in
            Producer(name: "node-\(index).prod.example:sidecar", uid: 1000 + UInt32(index), gid: 1000,
                     pid: 4000 + Int32(index) * 37, sequence: Int64(index) * 1_000_000)
        }
    }

    mutating func events(_ count: Int) -> [AuditEvent] {
        var out: [AuditEvent] = []
        out.reserveCapacity(count)
        while out.count < count { out.append(next()) }
        return out
    }

    mutating func next() -> AuditEvent {
        if pending.isEmpty { makeRequest() }
        return pending.removeFirst()
    }

    // MARK: Requests

    private mutating func makeRequest() {
        let token: Token
        if pool.count < 200 || random.chance(0.35) {
            token = newToken()
            if pool.count < 4000 { pool.append(token) } else { pool[random.below(pool.count)] = token }
        } else {
            token = pool[random.below(pool.count)]
        }
        let hops = 1 + random.below(4)
        var service = random.below(Self.services.count)
        for _ in 0..<hops {
            now += 1 + Int64(random.exponential(mean: 180))
            pending.append(event(for: token, service: service))
            service = (service + 1 + random.below(7)) % Self.services.count
        }
    }

    private mutating func event(for token: Token, service: Int) -> AuditEvent {
        var event = AuditEvent(timestamp: now, service: Self.services[service], outcome: .accepted)
        if random.chance(0.05) {
            event.outcome = .rejected
            event.reason = pickReason()
        }
        event.issuer = Self.issuers[token.issuer]
        event.subject = token.subject
        event.tokenID = token.jti
        event.algorithm = token.issuer == 1 ? "ES256" : "RS256"
        event.keyID = token.issuer == 0 ? "k-2026-01" : token.issuer == 1 ? "ZlRnq3Hv8o0" : "default-rsa-2"
        event.type = token.issuer == 2 ? "JWT" : "at+jwt"
        event.scope = token.scope
        event.clientID = token.clientID
        event.tenant = token.tenant
        event.audience = token.audience
        event.issuedAt = token.issuedAt
        event.expiresAt = token.issuedAt + token.lifetime
        event.clientIP = token.clientIP
        event.userAgent = token.userAgent
        event.latencyMicros = Int64(20 * pow2(random.unit() * 6.64))  // 20 … 2000 µs, log-uniform
        if withFingerprints { event.tokenFingerprint = token.fingerprint }
        if random.chance(0.08) { event.attributes = ["region": ["eu-west-1", "us-east-1", "ap-south-1"][service % 3]] }
        let producerIndex = service % producers.count
        producers[producerIndex].sequence += 1
        event.sequence = producers[producerIndex].sequence
        event.producer = producers[producerIndex].name
        event.peerUID = producers[producerIndex].uid
        event.peerGID = producers[producerIndex].gid
        event.peerPID = producers[producerIndex].pid
        event.receivedAt = now + 200 + Int64(random.below(4800))
        return event
    }

    private mutating func pickReason() -> Reason {
        var roll = random.below(100)
        for (reason, weight) in Self.reasons {
            if roll < weight { return reason }
            roll -= weight
        }
        return .other
    }

    private mutating func newToken() -> Token {
        let subjectIndex = subjectZipf.sample(&random)
        let issuer = subjectIndex % 3
        let audience: Audience =
            random.chance(0.15)
            ? .list(["api://orders", "api://payments"]) : .single(["api://orders", "api://catalog", "api://users"][issuer])
        let ipIndex = addressZipf.sample(&random)
        return Token(
            jti: random.base64url(22), subject: Self.subject(subjectIndex), issuer: issuer, audience: audience,
            scope: Self.scopes[random.below(Self.scopes.count)], clientID: "client-\(random.below(30))",
            tenant: issuer == 2 ? nil : "tenant-\(subjectIndex % 12)", issuedAt: now / 1_000_000 - Int64(random.below(60)),
            lifetime: random.chance(0.7) ? 900 : 3600, clientIP: Self.address(ipIndex),
            userAgent: Self.userAgents[ipIndex % Self.userAgents.count], fingerprint: random.hex(32))
    }

    /// Subject identifiers in the styles of three identity providers.
    static func subject(_ index: Int) -> String {
        var mixer = SplitMix64(seed: UInt64(index) &* 0x9E37_79B9)
        switch index % 3 {
        case 0: return "auth0|" + mixer.hex(24)
        case 1: return mixer.uuid()
        default: return "user-\(index)"
        }
    }

    /// 50k client addresses: mostly IPv4 in a few ranges, some IPv6.
    static func address(_ index: Int) -> String {
        var mixer = SplitMix64(seed: UInt64(index) &+ 77)
        if index % 10 == 9 {
            return "2001:db8:\(String(mixer.below(65536), radix: 16)):\(String(mixer.below(65536), radix: 16))::"
                + String(mixer.below(65536), radix: 16)
        }
        let first = [10, 172, 192, 100, 203][index % 5]
        return "\(first).\(mixer.below(256)).\(mixer.below(256)).\(1 + mixer.below(254))"
    }

    // MARK: NDJSON, for comparing with compressing the wire lines

    /// The event as a wire line (keys as in DESIGN section 2), for the NDJSON baseline.
    static func ndjson(_ event: AuditEvent) -> String {
        var fields: [String] = ["\"v\":1", "\"ts\":\"\(rfc3339(event.timestamp))\"", "\"service\":\(quote(event.service))",
                                "\"kind\":\"\(event.kind.name)\""]
        if let outcome = event.outcome { fields.append("\"outcome\":\"\(outcome.name)\"") }
        if let reason = event.reason { fields.append("\"reason\":\"\(reason.name)\"") }
        fields.append("\"token_type\":\"\(event.tokenType.name)\"")
        let strings: [(String, String?)] = [
            ("iss", event.issuer), ("sub", event.subject), ("jti", event.tokenID), ("alg", event.algorithm),
            ("kid", event.keyID), ("typ", event.type), ("scope", event.scope), ("client_id", event.clientID),
            ("tenant", event.tenant), ("client_ip", event.clientIP), ("user_agent", event.userAgent),
            ("family", event.family), ("parent_jti", event.parentTokenID), ("jku", event.jwkSetURL),
            ("x5u", event.x509URL), ("token_fp", event.tokenFingerprint), ("producer", event.producer),
        ]
        for (key, value) in strings {
            if let value { fields.append("\"\(key)\":\(quote(value))") }
        }
        switch event.audience {
        case .single(let value): fields.append("\"aud\":\(quote(value))")
        case .list(let values): fields.append("\"aud\":[\(values.map(quote).joined(separator: ","))]")
        case nil: break
        }
        let integers: [(String, Int64?)] = [("exp", event.expiresAt), ("iat", event.issuedAt), ("nbf", event.notBefore),
                                            ("latency_us", event.latencyMicros), ("seq", event.sequence)]
        for (key, value) in integers {
            if let value { fields.append("\"\(key)\":\(value)") }
        }
        if !event.attributes.isEmpty {
            let pairs = event.attributes.keys.sorted().map { "\(quote($0)):\(quote(event.attributes[$0]!))" }
            fields.append("\"attrs\":{\(pairs.joined(separator: ","))}")
        }
        fields.append("\"received_at\":\"\(rfc3339(event.receivedAt))\"")
        fields.append("\"peer_uid\":\(event.peerUID),\"peer_gid\":\(event.peerGID),\"peer_pid\":\(event.peerPID)")
        return "{" + fields.joined(separator: ",") + "}"
    }

    private static func quote(_ text: String) -> String { "\"" + text + "\"" }

    private static func rfc3339(_ micros: Int64) -> String {
        let seconds = micros / 1_000_000
        let fraction = micros % 1_000_000
        let days = seconds / 86_400
        let rest = seconds % 86_400
        // Civil date from days since the epoch (Howard Hinnant's algorithm).
        let z = days + 719_468
        let era = z / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ value: Int64, _ width: Int) -> String {
            let text = String(value)
            return String(repeating: "0", count: max(0, width - text.count)) + text
        }
        return "\(year)-\(pad(month, 2))-\(pad(day, 2))T\(pad(rest / 3600, 2)):\(pad(rest / 60 % 60, 2)):"
            + "\(pad(rest % 60, 2)).\(pad(fraction, 6))Z"
    }
}

/// A tiny deterministic PRNG (SplitMix64), so generated traffic is the same on every run.
struct SplitMix64 {
    private var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(bound)) }
    mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
    mutating func chance(_ probability: Double) -> Bool { unit() < probability }
    mutating func exponential(mean: Double) -> Double { -mean * log1p(-unit()) }

    mutating func base64url(_ count: Int) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        for _ in 0..<count { bytes.append(alphabet[below(64)]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        for _ in 0..<count { bytes.append(digits[below(16)]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    mutating func uuid() -> String {
        "\(hex(8))-\(hex(4))-4\(hex(3))-a\(hex(3))-\(hex(12))"
    }
}

/// Samples ranks 0..<count with probability proportional to 1 / (rank + 1)^exponent.
struct ZipfTable {
    private var cumulative: [Double]

    init(count: Int, exponent: Double) {
        cumulative = []
        cumulative.reserveCapacity(count)
        var sum = 0.0
        for rank in 1...count {
            sum += 1 / pow(Double(rank), exponent)
            cumulative.append(sum)
        }
        for index in cumulative.indices { cumulative[index] /= sum }
    }

    func sample(_ random: inout SplitMix64) -> Int {
        let target = random.unit()
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] < target { low = mid + 1 } else { high = mid }
        }
        return low
    }
}

private func pow2(_ exponent: Double) -> Double { pow(2, exponent) }
