import JWTAuditDetection
import JWTAuditModel
import Testing

@testable import JWTAuditLoad

/// Two benign loads, generated and decoded once: dense (200,000 events in 20 s of event time,
/// two connections) and slow (200,000 events over 28 minutes: key rotations, token expiry,
/// steady services, 10-minute windows and per-minute baselines all come into play).
enum BenignSample {
    static let start: Int64 = 1_764_374_400_000_000  // 2025-11-29T00:00:00Z

    static let dense: TrafficConfiguration = {
        var configuration = TrafficConfiguration(seed: 3, events: 200_000, connections: 2)
        configuration.startMicros = start
        return configuration
    }()

    static let slow: TrafficConfiguration = {
        var configuration = TrafficConfiguration(seed: 4, events: 200_000, connections: 1)
        configuration.startMicros = start
        configuration.eventsPerSecond = 120
        return configuration
    }()

    static let denseEvents = Result { try DecodedTraffic.decode(GeneratedLoad.generate(dense)) }
    static let slowEvents = Result { try DecodedTraffic.decode(GeneratedLoad.generate(slow)) }

    static func events(_ name: String) throws -> [DecodedEvent] {
        try (name == "dense" ? denseEvents : slowEvents).get()
    }
}

@Suite("Benign traffic")
struct BenignTrafficTests {
    @Test(
        "no built-in rule's pattern at its default threshold (a refresh race, low, is allowed)",
        arguments: ["dense", "slow"]
    )
    func quiet(sample: String) throws {
        let events = try BenignSample.events(sample)
        #expect(events.count == 200_000)
        var findings = EngineFindings.findings(events)
        findings["refresh_race"] = nil
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test(
        "accepted access tokens are valid at their ts: exp ahead, iat not ahead, at most 1 h, with aud",
        arguments: ["dense", "slow"]
    )
    func acceptedTokens(sample: String) throws {
        var problems: [String] = []
        var accepted = 0
        for decoded in try BenignSample.events(sample) {
            let event = decoded.event
            guard event.kind == .validate, event.outcome == .accepted, event.tokenType == .access else { continue }
            accepted += 1
            let seconds = event.timestamp / 1_000_000
            guard let exp = event.expiresAt, exp > seconds else {
                problems.append("expired: \(event)")
                continue
            }
            if let iat = event.issuedAt, iat > seconds || exp - iat > 3_600 { problems.append("iat: \(event)") }
            if let nbf = event.notBefore, nbf > seconds { problems.append("nbf: \(event)") }
            if event.audience == nil { problems.append("no aud: \(event)") }
            if !["RS256", "ES256", "EdDSA"].contains(event.algorithm ?? "") { problems.append("alg: \(event)") }
            if event.jwkSetURL != nil || event.x509URL != nil { problems.append("jku: \(event)") }
        }
        #expect(accepted > 150_000)
        #expect(problems.isEmpty, "\(problems.prefix(5))")
    }

    @Test("no attack reason; each access jti from one address; seq without gaps", arguments: ["dense", "slow"])
    func noAttackSigns(sample: String) throws {
        let events = try BenignSample.events(sample)
        let attackReasons: Set<Reason> = [.algNone, .algNotAllowed, .replayed, .revoked]
        #expect(!events.contains { $0.event.reason.map(attackReasons.contains) ?? false })
        #expect(
            !events.contains {
                $0.event.algorithm?.lowercased() == "none" || $0.event.algorithm?.hasPrefix("HS") == true
            }
        )
        var addressOf: [String: String] = [:]
        var shared: [String] = []
        for decoded in events where decoded.event.tokenType == .access {
            guard let jti = decoded.event.tokenID, let address = decoded.event.clientIP else { continue }
            if let known = addressOf.updateValue(address, forKey: jti), known != address { shared.append(jti) }
        }
        #expect(shared.isEmpty, "\(shared.count) access jtis from more than one address")
        var sequences: [Int: [Int64]] = [:]
        for decoded in events { sequences[decoded.connection, default: []].append(decoded.event.sequence ?? 0) }
        for (_, values) in sequences { #expect(values.sorted() == Array(1...Int64(values.count))) }
    }

    @Test(
        "per address at most 4 rejections in any 10 minutes; per client at most 60 expired in a minute",
        arguments: ["dense", "slow"]
    )
    func budgets(sample: String) throws {
        let events = try BenignSample.events(sample)
        let minute: Int64 = 60_000_000
        var byAddress: [String: [Int64]] = [:]
        var byClient: [String: [Int64]] = [:]
        for decoded in events where decoded.event.outcome == .rejected {
            byAddress[decoded.event.clientIP ?? "", default: []].append(decoded.event.timestamp)
            if decoded.event.reason == .expired, let client = decoded.event.clientID {
                byClient[client, default: []].append(decoded.event.timestamp)
            }
        }
        func most(_ times: [Int64], within span: Int64) -> Int {
            var best = 0
            var head = 0
            for (index, time) in times.enumerated() {
                while times[head] <= time - span { head += 1 }
                best = max(best, index - head + 1)
            }
            return best
        }
        #expect(byAddress.values.map { most($0, within: 10 * minute) }.max() ?? 0 <= 4)
        #expect(byClient.values.map { most($0, within: minute) }.max() ?? 0 <= 60)
    }

    @Test(
        "refresh tokens: only the current one is validated, but for double refreshes within 30 s",
        arguments: ["dense", "slow"]
    )
    func refreshLifecycle(sample: String) throws {
        let events = try BenignSample.events(sample)
        var findings: [String: Int] = [:]
        for finding in EngineFindings.findingList(events) where finding.rule.hasPrefix("refresh_") {
            findings[finding.rule, default: 0] += finding.count
        }
        var counts: [EventKind: Int] = [:]
        var refreshValidations = 0
        for decoded in events where decoded.event.tokenType == .refresh {
            counts[decoded.event.kind, default: 0] += 1
            if decoded.event.kind == .validate { refreshValidations += 1 }
        }
        #expect(findings["refresh_token_reuse"] == nil)
        let races = findings["refresh_race", default: 0]
        let rotations = counts[.rotate, default: 0]
        #expect(races > 0 && races < rotations / 20, "\(races) races for \(rotations) rotations")
        #expect(counts[.issue, default: 0] > 500 && counts[.revoke, default: 0] > 50)
        #expect(refreshValidations >= rotations)
    }

    @Test("every service emits at least every 2 minutes of event time", arguments: ["dense", "slow"])
    func steadyServices(sample: String) throws {
        let events = try BenignSample.events(sample)
        var last: [String: Int64] = [:]
        var longest: [String: Int64] = [:]
        let start = BenignSample.start
        for decoded in events {
            let time = decoded.event.timestamp
            let gap = time - (last[decoded.event.service] ?? start)
            longest[decoded.event.service] = max(longest[decoded.event.service] ?? 0, gap)
            last[decoded.event.service] = time
        }
        #expect(longest.count == 40)
        #expect(longest.values.max() ?? .max <= 120_000_000, "\(longest.max { $0.value < $1.value }!)")
    }

    @Test("key rotation: the new kid appears, the previous one stays accepted a while, a few key_unknown")
    func keyRotation() throws {
        let events = try BenignSample.events("slow")
        // The main issuer rotates at 20% of the span.
        let rotation = BenignSample.start + Int64(BenignSample.slow.spanSeconds * 0.2 * 1_000_000)
        let issuer = "https://auth.example.com/"
        var before: Set<String> = []
        var after: Set<String> = []
        var keyUnknown: [String] = []
        for decoded in events where decoded.event.issuer == issuer && decoded.event.tokenType == .access {
            let event = decoded.event
            if event.outcome == .accepted, let kid = event.keyID {
                if event.timestamp < rotation {
                    before.insert(kid)
                } else if event.timestamp < rotation + 120_000_000 {
                    after.insert(kid)
                }
            }
            if event.reason == .keyUnknown { keyUnknown.append(event.keyID ?? "") }
        }
        #expect(before.contains("rsa-2025-08") && !before.contains("rsa-2025-11"))
        #expect(after.isSuperset(of: ["rsa-2025-08", "rsa-2025-11"]))
        #expect(keyUnknown == ["rsa-2025-11", "rsa-2025-11"])
        let allUnknown = events.filter { $0.event.reason == .keyUnknown }.count
        #expect(allUnknown == 8, "2 per rotation of 4 issuers")
    }

    @Test("the mix: ~5% rejections, mostly expired; bursts of one token")
    func mix() throws {
        let events = try BenignSample.events("dense")
        let rejected = events.filter { $0.event.outcome == .rejected }
        let share = Double(rejected.count) / Double(events.count)
        #expect(share > 0.04 && share < 0.055, "rejection share \(share)")
        var reasons: [Reason: Int] = [:]
        for decoded in rejected { reasons[decoded.event.reason!, default: 0] += 1 }
        #expect(Set(reasons.keys.map(\.name)) == Set(TrafficGenerator.reasonNames))
        #expect(reasons.max { $0.value < $1.value }?.key == .expired)
        // A burst: one token validated 30 times or more within 30 s.
        var uses: [String: [Int64]] = [:]
        for decoded in events where decoded.event.outcome == .accepted && decoded.event.tokenType == .access {
            uses[decoded.event.tokenID ?? "", default: []].append(decoded.event.timestamp)
        }
        let bursts = uses.values.filter { $0.count >= 30 && $0.last! - $0.first! <= 30_000_000 }
        #expect(bursts.count >= 5, "\(bursts.count) bursts")
    }
}
