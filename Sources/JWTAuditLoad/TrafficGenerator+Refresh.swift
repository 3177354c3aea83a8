/// Refresh-token families (DESIGN section 2): a login issues a family's first token; a refresh
/// validates the family's current token and rotates it (the next line, a few milliseconds
/// later); a logout revokes the family, which is never used again. Only the current token is
/// ever presented, except in the rare benign double refresh: the immediately previous token
/// again, within a few seconds, from the same address and user agent.
extension TrafficGenerator {
    struct RefreshFamily {
        var familyHigh: UInt64 = 0
        var familyLow: UInt64 = 0
        var jtiHigh: UInt64 = 0
        var jtiLow: UInt64 = 0
        var previousHigh: UInt64 = 0
        var previousLow: UInt64 = 0
        /// `iat` of the current and of the previous token, in seconds.
        var issuedAt: Int64 = 0
        var previousIssuedAt: Int64 = 0
        /// When the current token replaced the previous one.
        var rotatedMicros: Int64 = 0
        var subject: Int32 = -1
        var address: Int32 = 0
        var service: UInt16 = 0
        var client: UInt8 = 0
        var userAgent: UInt8 = 0
    }

    /// A double refresh to write when due, if the family has not moved on by then.
    struct PendingRace {
        var micros: Int64
        var slot: Int
        var familyHigh: UInt64
        var jtiHigh: UInt64
    }

    /// Refresh tokens live 30 days.
    static let refreshLifetime: Int64 = 30 * 86_400
    /// A double refresh is written only this soon after the rotation (the grace is 30 s).
    static let raceLimitMicros: Int64 = 20_000_000

    /// A login: a new family at `service` (or a random refresh service), in a free slot or
    /// instead of an old one (a session that ended without a logout).
    mutating func appendIssue(now: Int64, service: Int?, _ table: UnsafeBufferPointer<UInt8>) {
        let slot: Int
        if familyCount < Self.familyPoolSize {
            slot = familyCount
            familyCount += 1
        } else {
            slot = random.below(Self.familyPoolSize)
        }
        let subject = universe.subject(ofRank: universe.subjectRanks.sample(using: &random))
        let clientIndex = Int(universe.subjectClient[subject])
        let userAgents = universe.clients[clientIndex].userAgents
        let refreshServices = universe.refreshServices
        families[slot] = RefreshFamily(
            familyHigh: random.next(),
            familyLow: random.next(),
            jtiHigh: random.next(),
            jtiLow: random.next(),
            issuedAt: now / 1_000_000,
            rotatedMicros: now,
            subject: Int32(subject),
            address: random.chance(0.85)
                ? universe.subjectHomeAddress[subject] : Int32(random.below(universe.addressCount)),
            service: UInt16(service ?? refreshServices[random.below(refreshServices.count)]),
            client: UInt8(clientIndex),
            userAgent: UInt8(userAgents[random.below(userAgents.count)])
        )
        writeLifecycle(families[slot], kind: ",\"kind\":\"issue\"", parent: false, micros: now, table)
    }

    /// A refresh: the family's current token is validated now and rotated in the next line.
    mutating func appendRefreshValidation(now: Int64, _ table: UnsafeBufferPointer<UInt8>) {
        guard familyCount > 0 else {
            appendIssue(now: now, service: nil, table)
            return
        }
        let slot = random.below(familyCount)
        let family = families[slot]
        writeRefreshValidation(
            family,
            high: family.jtiHigh,
            low: family.jtiLow,
            issuedAt: family.issuedAt,
            micros: now,
            table
        )
        pendingRotation = slot
        pendingRotationMicros = now
        nextScheduledMicros = .min
    }

    /// The rotation that follows a refresh validation, a few milliseconds after it.
    mutating func appendRotation(now: Int64, _ table: UnsafeBufferPointer<UInt8>) {
        let slot = pendingRotation
        pendingRotation = -1
        let micros = max(lastMicros, min(now, pendingRotationMicros + 1_000 + Int64(random.below(30_000))))
        families[slot].previousHigh = families[slot].jtiHigh
        families[slot].previousLow = families[slot].jtiLow
        families[slot].previousIssuedAt = families[slot].issuedAt
        families[slot].jtiHigh = random.next()
        families[slot].jtiLow = random.next()
        families[slot].issuedAt = micros / 1_000_000
        families[slot].rotatedMicros = micros
        writeLifecycle(families[slot], kind: ",\"kind\":\"rotate\"", parent: true, micros: micros, table)
        if random.chance(Self.raceChance) {
            races.append(
                PendingRace(
                    micros: micros + 300_000 + Int64(random.below(3_700_000)),
                    slot: slot,
                    familyHigh: families[slot].familyHigh,
                    jtiHigh: families[slot].jtiHigh
                )
            )
        }
    }

    /// The client refreshes a second time with the token it just rotated: written only if the
    /// family still holds the token it rotated to and the rotation was less than 20 s ago.
    mutating func appendRace(_ race: PendingRace, now: Int64, _ table: UnsafeBufferPointer<UInt8>) -> Bool {
        guard race.slot < familyCount else { return false }
        let family = families[race.slot]
        guard family.familyHigh == race.familyHigh, family.jtiHigh == race.jtiHigh,
            now - family.rotatedMicros <= Self.raceLimitMicros
        else { return false }
        writeRefreshValidation(
            family,
            high: family.previousHigh,
            low: family.previousLow,
            issuedAt: family.previousIssuedAt,
            micros: now,
            table
        )
        return true
    }

    /// A logout: the family's current token is revoked, and the family is gone.
    mutating func appendRevoke(now: Int64, _ table: UnsafeBufferPointer<UInt8>) {
        guard familyCount > 0 else {
            appendIssue(now: now, service: nil, table)
            return
        }
        let slot = random.below(familyCount)
        writeLifecycle(families[slot], kind: ",\"kind\":\"revoke\"", parent: false, micros: now, table)
        familyCount -= 1
        families[slot] = families[familyCount]
    }

    private mutating func writeRefreshValidation(
        _ family: RefreshFamily,
        high: UInt64,
        low: UInt64,
        issuedAt: Int64,
        micros: Int64,
        _ table: UnsafeBufferPointer<UInt8>
    ) {
        let issuer = universe.issuers[Int(universe.subjectIssuer[Int(family.subject)])]
        let issuerIndex = Int(universe.subjectIssuer[Int(family.subject)])
        // Signed with the key that was current when the token was issued.
        let kid =
            issuedAt * 1_000_000 < schedule.rotationMicros[issuerIndex] ? issuer.kids.count - 2 : issuer.kids.count - 1
        beginLine(micros: micros, service: Int(family.service), table)
        writer.append(",\"outcome\":\"accepted\",\"token_type\":\"refresh\",\"iss\":")
        writer.append(issuer.iss, from: table)
        writer.append(",\"sub\":")
        writer.append(universe.subjects[Int(family.subject)], from: table)
        writer.append(",\"jti\":\"")
        writer.appendBase64URL(high: high, low: low)
        writer.append("\",\"alg\":")
        writer.append(issuer.alg, from: table)
        writer.append(",\"kid\":")
        writer.append(issuer.kids[kid], from: table)
        writer.append(",\"aud\":")
        writer.append(issuer.iss, from: table)
        writer.append(",\"exp\":")
        writer.appendDecimal(issuedAt + Self.refreshLifetime)
        writer.append(",\"iat\":")
        writer.appendDecimal(issuedAt)
        writeFamilyTail(family, table)
    }

    private mutating func writeLifecycle(
        _ family: RefreshFamily,
        kind: StaticString,
        parent: Bool,
        micros: Int64,
        _ table: UnsafeBufferPointer<UInt8>
    ) {
        let issuerIndex = Int(universe.subjectIssuer[Int(family.subject)])
        beginLine(micros: micros, service: Int(family.service), table)
        writer.append(kind)
        writer.append(",\"token_type\":\"refresh\",\"iss\":")
        writer.append(universe.issuers[issuerIndex].iss, from: table)
        writer.append(",\"sub\":")
        writer.append(universe.subjects[Int(family.subject)], from: table)
        writer.append(",\"jti\":\"")
        writer.appendBase64URL(high: family.jtiHigh, low: family.jtiLow)
        writer.append(byte: UInt8(ascii: "\""))
        if parent {
            writer.append(",\"parent_jti\":\"")
            writer.appendBase64URL(high: family.previousHigh, low: family.previousLow)
            writer.append(byte: UInt8(ascii: "\""))
        }
        writer.append(",\"exp\":")
        writer.appendDecimal(family.issuedAt + Self.refreshLifetime)
        writer.append(",\"iat\":")
        writer.appendDecimal(family.issuedAt)
        writeFamilyTail(family, table)
    }

    /// `client_id`, `family`, `client_ip`, `user_agent`, `latency_us`, `seq`, end of line.
    private mutating func writeFamilyTail(_ family: RefreshFamily, _ table: UnsafeBufferPointer<UInt8>) {
        writer.append(",\"client_id\":")
        writer.append(universe.clients[Int(family.client)].id, from: table)
        writer.append(",\"family\":\"")
        writer.appendBase64URL(high: family.familyHigh, low: family.familyLow)
        writer.append("\",\"client_ip\":")
        writer.append(universe.addresses[Int(family.address)], from: table)
        writer.append(",\"user_agent\":")
        writer.append(universe.userAgents[Int(family.userAgent)], from: table)
        writer.append(",\"latency_us\":")
        writer.appendDecimal(Int64(200 + random.exponential(mean: 900)))
        endLine()
    }
}
