import JWTAuditModel
import Testing

@testable import JWTAuditBlocks

/// Round trips of random events: random presence, random Unicode, random integers across the
/// whole range, tokens repeated with random changes.
@Suite struct BlockCodecRandomTests {
    static let alphabet: [String] = ["a", "b", "Z", "0", "-", "_", "|", ":", ".", " ", "é", "e\u{301}", "ß", "Ω", "🙂", "𝄞", "中", "\u{0}", "\n", "\""]

    static func text(_ random: inout SplitMix64, maxLength: Int) -> String {
        var text = ""
        for _ in 0..<random.below(maxLength + 1) { text += alphabet[random.below(alphabet.count)] }
        return text
    }

    static func integer(_ random: inout SplitMix64) -> Int64 {
        switch random.below(4) {
        case 0: return Int64(bitPattern: random.next())
        case 1: return Int64(random.below(2000)) - 1000
        case 2: return [Int64.min, .max, 0, -1][random.below(4)]
        default: return 1_767_225_600 + Int64(random.below(100_000))
        }
    }

    static func event(_ random: inout SplitMix64, pool: [AuditEvent]) -> AuditEvent {
        // Often a variation of an earlier event (the same token, service or producer).
        var event: AuditEvent
        if !pool.isEmpty && random.chance(0.5) {
            event = pool[random.below(pool.count)]
        } else {
            event = AuditEvent(timestamp: integer(&random), service: text(&random, maxLength: 6))
        }
        func maybe(_ probability: Double, _ random: inout SplitMix64) -> String? {
            random.chance(probability) ? text(&random, maxLength: 12) : nil
        }
        let change = random.chance(0.5)
        if change || pool.isEmpty {
            event.kind = EventKind.allCases[random.below(EventKind.allCases.count)]
            event.outcome = random.chance(0.2) ? nil : Outcome.allCases[random.below(2)]
            event.reason = random.chance(0.7) ? nil : Reason.allCases[random.below(Reason.allCases.count)]
            event.tokenType = TokenType.allCases[random.below(TokenType.allCases.count)]
            event.issuer = maybe(0.8, &random)
            event.subject = maybe(0.8, &random)
            event.tokenID = random.chance(0.9) ? text(&random, maxLength: 3) : nil
            event.algorithm = maybe(0.5, &random)
            event.keyID = maybe(0.5, &random)
            event.type = maybe(0.5, &random)
            event.scope = maybe(0.5, &random)
            event.clientID = maybe(0.5, &random)
            event.tenant = maybe(0.5, &random)
            switch random.below(4) {
            case 0: event.audience = nil
            case 1: event.audience = .single(text(&random, maxLength: 4))
            default: event.audience = .list((0..<random.below(4)).map { _ in text(&random, maxLength: 4) })
            }
            event.expiresAt = random.chance(0.7) ? integer(&random) : nil
            event.issuedAt = random.chance(0.7) ? integer(&random) : nil
            event.notBefore = random.chance(0.3) ? integer(&random) : nil
            event.clientIP = random.chance(0.5) ? "10.0.\(random.below(3)).\(random.below(300))" : maybe(0.7, &random)
            event.userAgent = maybe(0.6, &random)
            event.family = maybe(0.2, &random)
            event.parentTokenID = maybe(0.2, &random)
            event.jwkSetURL = maybe(0.1, &random)
            event.x509URL = maybe(0.1, &random)
            event.tokenFingerprint = maybe(0.3, &random)
        }
        event.timestamp = random.chance(0.8) ? event.timestamp &+ Int64(random.below(5000)) : integer(&random)
        event.latencyMicros = random.chance(0.8) ? integer(&random) : nil
        event.sequence = random.chance(0.8) ? integer(&random) : nil
        event.attributes = [:]
        for _ in 0..<(random.chance(0.7) ? 0 : random.below(5)) {
            event.attributes[text(&random, maxLength: 5)] = text(&random, maxLength: 8)
        }
        event.receivedAt = random.chance(0.5) ? event.timestamp &+ Int64(random.below(10_000)) : integer(&random)
        event.peerUID = random.chance(0.8) ? event.peerUID : UInt32(truncatingIfNeeded: random.next())
        event.peerGID = random.chance(0.8) ? event.peerGID : UInt32(truncatingIfNeeded: random.next())
        event.peerPID = random.chance(0.8) ? event.peerPID : Int32(truncatingIfNeeded: random.next())
        if random.chance(0.3) { event.producer = maybe(0.8, &random) }
        return event
    }

    @Test("random blocks round-trip exactly", arguments: 0..<8)
    func randomBlocks(seed: UInt64) throws {
        var random = SplitMix64(seed: seed &* 7919 &+ 1)
        for _ in 0..<25 {
            var events: [AuditEvent] = []
            for _ in 0..<random.below(80) { events.append(Self.event(&random, pool: events)) }
            _ = try roundTrip(events, level: random.chance(0.5) ? 1 : 6)
        }
    }
}
