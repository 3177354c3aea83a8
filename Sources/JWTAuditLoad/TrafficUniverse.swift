/// The population the load generator draws from: services, issuers with their algorithms and
/// key ids, subjects, client addresses, OAuth clients and user agents.
///
/// Built once per seed and shared read-only by every connection's ``TrafficGenerator``. Every
/// string is stored once, as quoted JSON bytes, in one ``StringTable``; the population refers to
/// them by ``Span``, so generating an event copies bytes and nothing else.
public struct TrafficUniverse: Sendable {
    /// A service that validates tokens and emits events.
    struct Service: Sendable {
        var name: Span
        var audience: Span
        /// Four scope strings, from the most to the least common.
        var scopes: (Span, Span, Span, Span)
        var timestampStyle: RFC3339.Style
        /// Whether the service logs `iat`, `nbf` and `scope` (some validators log less).
        var logsAllClaims: Bool
    }

    /// A token issuer: its URL, signing algorithm, key ids and habits. The second-to-last key id
    /// is current when the traffic starts; the issuer rotates to the last one during the run
    /// (``TrafficSchedule``); older ones still sign a few tokens before the rotation.
    struct Issuer: Sendable {
        var iss: Span
        var alg: Span
        var kids: [Span]
        var typ: Span?
        var setsNotBefore: Bool
        var accessLifetime: Int64
        var tenant: Span?
        /// Whether services log the token's client id (this issuer names that claim `cid`).
        var clientIDLogged: Bool
    }

    /// An OAuth client (an application) and the user agents it runs as.
    struct Client: Sendable {
        var id: Span
        var userAgents: [Int]
    }

    /// Number of distinct subjects.
    public let subjectCount: Int
    /// Number of distinct client addresses.
    public let addressCount: Int
    /// The services' names.
    public let serviceNames: [String]

    let table: StringTable
    let services: [Service]
    /// Services that validate access tokens.
    let apiServices: [Int]
    /// Services that issue and rotate refresh tokens.
    let refreshServices: [Int]
    let issuers: [Issuer]
    let clients: [Client]
    let userAgents: [Span]
    let subjects: [Span]
    let subjectIssuer: [UInt8]
    let subjectHomeAddress: [Int32]
    let subjectClient: [UInt8]
    let subjectRanks: ZipfDistribution
    let addresses: [Span]
    /// Issuer URLs that no service trusts: a staging issuer, a typo, a developer's laptop (for a
    /// benign `issuer_mismatch`).
    let foreignIssuers: [Span]

    /// Builds the population for `seed`.
    public init(seed: UInt64, subjects subjectCount: Int = 100_000, addresses addressCount: Int = 50_000) {
        precondition(subjectCount > 0 && addressCount > 0, "the population cannot be empty")
        var random = Xoshiro256StarStar(seed: seed ^ 0x756E_6976_6572_7365)
        var table = StringTable()
        self.subjectCount = subjectCount
        self.addressCount = addressCount
        serviceNames = Self.serviceNameList

        var services: [Service] = []
        for (index, name) in Self.serviceNameList.enumerated() {
            let stem = String(name.split(separator: "-").first ?? Substring(name))
            let audience = index % 4 == 1 ? "https://api.example.com/\(stem)" : name
            let style: RFC3339.Style =
                switch index % 10 {
                case 1, 3, 5, 7: .milliseconds
                case 9: .secondsWithOffset
                default: .microseconds
                }
            services.append(
                Service(
                    name: table.add(name),
                    audience: table.add(audience),
                    scopes: (
                        table.add("\(stem):read"), table.add("\(stem):read \(stem):write"),
                        table.add("openid \(stem):read"), table.add("\(stem):admin")
                    ),
                    timestampStyle: style,
                    logsAllClaims: index % 4 != 3
                )
            )
        }
        self.services = services
        let refreshNames: Set = ["auth-gateway", "token-service"]
        apiServices = Self.serviceNameList.indices.filter { !refreshNames.contains(Self.serviceNameList[$0]) }
        refreshServices = Self.serviceNameList.indices.filter { refreshNames.contains(Self.serviceNameList[$0]) }

        issuers = [
            Issuer(
                iss: table.add("https://auth.example.com/"),
                alg: table.add("RS256"),
                kids: ["rsa-2025-05", "rsa-2025-08", "rsa-2025-11"].map { table.add($0) },
                typ: nil,
                setsNotBefore: false,
                accessLifetime: 900,
                tenant: nil,
                clientIDLogged: true
            ),
            Issuer(
                iss: table.add("https://partner.example.net/oauth2"),
                alg: table.add("ES256"),
                kids: ["kQ3nV8", "p7Xw2L", "Zt4mR1"].map { table.add($0) },
                typ: nil,
                setsNotBefore: false,
                accessLifetime: 3600,
                tenant: nil,
                clientIDLogged: false
            ),
            Issuer(
                iss: table.add("https://sts.example.org/7c1d4f2e/v2.0"),
                alg: table.add("RS256"),
                kids: ["nOo3ZDrODXEK1jKWhXslHR", "L1KfKFI_jnXbwWc22xZxw1"].map { table.add($0) },
                typ: table.add("JWT"),
                setsNotBefore: true,
                accessLifetime: 3600,
                tenant: table.add("7c1d4f2e"),
                clientIDLogged: true
            ),
            Issuer(
                iss: table.add("https://id.example.io"),
                alg: table.add("EdDSA"),
                kids: ["ed-a", "ed-b"].map { table.add($0) },
                typ: table.add("at+jwt"),
                setsNotBefore: false,
                accessLifetime: 600,
                tenant: nil,
                clientIDLogged: true
            ),
        ]
        foreignIssuers = ["https://auth.staging.example.com/", "https://auth.example.co/", "http://localhost:8080"]
            .map { table.add($0) }

        userAgents = Self.userAgentList.map { table.add($0) }
        // Most common first: the subjects' clients follow a Zipf-like skew over this list.
        clients = [
            Client(id: table.add("ios-app"), userAgents: [4]),
            Client(id: table.add("android-app"), userAgents: [5]),
            Client(id: table.add("partner-sync"), userAgents: [6]),
            Client(id: table.add("web-checkout"), userAgents: [0, 1, 2, 10]),
            Client(id: table.add("billing-batch"), userAgents: [7]),
            Client(id: table.add("web-portal"), userAgents: [0, 1, 2, 10]),
            Client(id: table.add("reporting-job"), userAgents: [9]),
            Client(id: table.add("mobile-web"), userAgents: [3]),
            Client(id: table.add("ops-cli"), userAgents: [8]),
            Client(id: table.add("backoffice"), userAgents: [0, 10]),
        ]

        // Client addresses: 85% IPv4 in public-looking ranges, 15% IPv6.
        var addresses: [Span] = []
        addresses.reserveCapacity(addressCount)
        let firstOctets = [
            23, 31, 37, 46, 51, 62, 77, 81, 89, 94, 101, 103, 109, 141, 151, 176, 185, 188, 195, 203, 212,
        ]
        for _ in 0..<addressCount {
            var writer = ByteWriter(capacity: 48)
            writer.append(byte: UInt8(ascii: "\""))
            if random.chance(0.85) {
                writer.appendDecimal(firstOctets[random.below(firstOctets.count)])
                for _ in 0..<3 {
                    writer.append(byte: UInt8(ascii: "."))
                    writer.appendDecimal(random.within(1...254))
                }
            } else {
                writer.append(Self.ipv6Prefixes[random.below(Self.ipv6Prefixes.count)])
                writer.appendHex(random.next(), digits: random.within(3...4))
                writer.append(":")
                writer.appendHex(random.next(), digits: random.within(1...4))
                writer.append("::")
                writer.appendHex(random.next(), digits: random.within(1...4))
            }
            writer.append(byte: UInt8(ascii: "\""))
            addresses.append(table.add(quoted: writer.bytes))
        }
        self.addresses = addresses

        // Subjects: each belongs to one issuer, whose id format it has; a home address; a client.
        var subjects: [Span] = []
        var subjectIssuer: [UInt8] = []
        var subjectHomeAddress: [Int32] = []
        var subjectClient: [UInt8] = []
        subjects.reserveCapacity(subjectCount)
        subjectIssuer.reserveCapacity(subjectCount)
        subjectHomeAddress.reserveCapacity(subjectCount)
        subjectClient.reserveCapacity(subjectCount)
        let clientWeights = ZipfDistribution(count: clients.count, exponent: 1.3)
        for index in 0..<subjectCount {
            let roll = random.below(100)
            let issuer = roll < 55 ? 0 : roll < 75 ? 1 : roll < 90 ? 2 : 3
            var writer = ByteWriter(capacity: 40)
            writer.append(byte: UInt8(ascii: "\""))
            switch issuer {
            case 0:
                writer.append("auth0|")
                writer.appendHex(random.next(), digits: 16)
                writer.appendHex(random.next(), digits: 8)
            case 1:
                writer.append("00u")
                for _ in 0..<17 {
                    writer.append(byte: ByteWriter.base64URLDigits[random.below(62)])
                }
            case 2:
                let a = random.next()
                let b = random.next()
                writer.appendHex(a >> 32, digits: 8)
                writer.append("-")
                writer.appendHex(a >> 16, digits: 4)
                writer.append("-4")
                writer.appendHex(a, digits: 3)
                writer.append("-")
                writer.appendHex(b >> 48 | 0x8000, digits: 4)
                writer.append("-")
                writer.appendHex(b, digits: 12)
            default:
                writer.append("usr_")
                writer.appendPadded(index % 1_000_000_000 + 1_000_000_000, width: 10)
            }
            writer.append(byte: UInt8(ascii: "\""))
            subjects.append(table.add(quoted: writer.bytes))
            subjectIssuer.append(UInt8(issuer))
            subjectHomeAddress.append(Int32(random.below(addressCount)))
            subjectClient.append(UInt8(clientWeights.sample(using: &random)))
        }
        self.subjects = subjects
        self.subjectIssuer = subjectIssuer
        self.subjectHomeAddress = subjectHomeAddress
        self.subjectClient = subjectClient
        subjectRanks = ZipfDistribution(count: subjectCount, exponent: 0.75)
        self.table = table
    }

    /// The text of a span without its JSON quotes (the population's strings need no escapes).
    func text(_ span: Span) -> String {
        String(decoding: table.bytes[Int(span.start) + 1..<Int(span.start + span.count) - 1], as: UTF8.self)
    }

    /// The subject index of Zipf rank `rank`: a fixed permutation, so popular subjects are spread
    /// over the population (and over the issuers).
    func subject(ofRank rank: Int) -> Int {
        // 1,000,003 is prime: a bijection whenever subjectCount is not a multiple of it.
        rank * 1_000_003 % subjectCount
    }

    static let ipv6Prefixes: [StaticString] = ["2001:db8:", "2a02:c7f:", "2600:1700:", "2a01:e0a:"]

    static let serviceNameList = [
        "api-gateway", "orders-api", "payments-api", "checkout-service", "cart-service", "catalog-api",
        "search-api", "inventory-service", "pricing-service", "shipping-api", "billing-service", "invoices-api",
        "accounts-api", "profile-service", "notifications-service", "email-dispatcher", "sms-gateway",
        "recommendations-api", "reviews-api", "loyalty-service", "promotions-api", "fraud-scoring", "risk-engine",
        "ledger-service", "reporting-api", "analytics-ingest", "admin-console", "partner-api", "webhooks-service",
        "files-api", "media-service", "chat-service", "support-desk", "subscriptions-api", "tax-service",
        "address-validation", "audit-export", "feature-flags", "auth-gateway", "token-service",
    ]

    static let userAgentList: [String] = [
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            + "Version/18.1 Safari/605.1.15",
        "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) "
            + "Version/18.1 Mobile/15E148 Safari/604.1",
        "ShopApp/7.4.1 iOS/18.1",
        "okhttp/4.12.0",
        "python-requests/2.32.3",
        "Go-http-client/2.0",
        "curl/8.5.0",
        "Apache-HttpClient/5.3.1 (Java/17.0.9)",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
            + "Chrome/131.0.0.0 Safari/537.36 Edg/131.0.0.0",
    ]
}
