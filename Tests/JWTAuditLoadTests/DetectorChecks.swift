import JWTAuditModel

@testable import JWTAuditLoad

/// A generated event as the daemon's decoder reads it, with the connection that sent it.
struct DecodedEvent: Sendable {
    var event: AuditEvent
    var connection: Int
    /// The line's index in its connection's stream.
    var line: Int
}

/// Generated lines decoded with `JWTAuditModel.EventDecoder`.
enum DecodedTraffic {
    struct DecodeFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Every line of every connection, decoded, sorted by `ts` (services log whole seconds or
    /// milliseconds, so a connection's lines may swap places).
    static func decode(_ load: GeneratedLoad) throws -> [DecodedEvent] {
        let decoder = EventDecoder(fingerprinter: nil)
        var events: [DecodedEvent] = []
        events.reserveCapacity(load.eventCount)
        for (connection, stream) in load.streams.enumerated() {
            for index in 0..<stream.lineCount {
                let line = stream.line(index).dropLast()
                let result = line.withUnsafeBytes { decoder.decode($0) }
                switch result {
                case .success(let event):
                    events.append(DecodedEvent(event: event, connection: connection, line: index))
                case .failure(let rejection):
                    throw DecodeFailure(
                        description: "line \(index): \(rejection): \(String(decoding: line, as: UTF8.self))"
                    )
                }
            }
        }
        return events.enumerated().sorted {
            ($0.element.event.timestamp, $0.offset) < ($1.element.event.timestamp, $1.offset)
        }.map(\.element)
    }
}

/// Plain re-implementations of DESIGN section 3's built-in rules with their default thresholds,
/// written from the design table alone: what a detector should find in generated traffic.
///
/// ``findings(_:)`` maps each rule id whose pattern is present to a description of the first
/// match. `refresh_race` (a `low` alert) is reported like the others.
enum DetectorChecks {
    static let second: Int64 = 1_000_000
    static let minute: Int64 = 60 * second
    static let leeway: Int64 = 60 * second

    /// Timestamps of one key within a sliding window.
    struct Window<Value> {
        var times: [Int64] = []
        var values: [Value] = []
        var head = 0

        mutating func add(_ time: Int64, _ value: Value, span: Int64) {
            times.append(time)
            values.append(value)
            while times[head] <= time - span { head += 1 }
            if head > 64 && head * 2 > times.count {
                times.removeFirst(head)
                values.removeFirst(head)
                head = 0
            }
        }

        var count: Int { times.count - head }
        var live: ArraySlice<Value> { values[head...] }

        func count(since time: Int64) -> Int {
            var count = 0
            for index in head..<times.count where times[index] >= time { count += 1 }
            return count
        }
    }

    static func findings(_ events: [DecodedEvent]) -> [String: String] {
        var found: [String: String] = [:]
        func hit(_ rule: String, _ text: @autoclosure () -> String) {
            if found[rule] == nil { found[rule] = text() }
        }
        guard let first = events.first?.event.timestamp else { return found }
        let end = events.last!.event.timestamp

        var badSignatures: [String: Window<Void>] = [:]
        var rejectedSubjects: [String: Window<String>] = [:]
        var unknownKids: [String: Window<String>] = [:]
        var mismatchesByAddress: [String: Window<Void>] = [:]
        var mismatchesBySubject: [String: Window<Void>] = [:]
        var expiredByClient: [String: Window<Void>] = [:]
        var expiredByAddress: [String: Window<Void>] = [:]
        var rejectionsBySubject: [String: Window<Void>] = [:]
        var rejectionsByAddress: [String: Window<Void>] = [:]
        var accessAddresses: [String: Window<String>] = [:]
        var revokedAccess: Set<String> = []
        var asymmetricIssuers: Set<String> = []
        var kidFirstSeen: [String: Int64] = [:]
        var rotations: [Int64] = []
        var keyUnknownTimes: [Int64] = []
        var ledger = RefreshLedger()
        var serviceTimes: [String: (first: Int64, last: Int64)] = [:]
        var rejectionsPerMinute: [String: [Int64: Int]] = [:]

        // event_loss: a gap in a producer's seq, in the order it sent its lines.
        var sequences: [Int: [(line: Int, sequence: Int64)]] = [:]
        for decoded in events {
            if let sequence = decoded.event.sequence {
                sequences[decoded.connection, default: []].append((decoded.line, sequence))
            }
        }
        for (connection, lines) in sequences.sorted(by: { $0.key < $1.key }) {
            let ordered = lines.sorted { $0.line < $1.line }.map(\.sequence)
            if let gap = zip(ordered, ordered.dropFirst()).first(where: { $1 != $0 + 1 }) {
                hit("event_loss", "connection \(connection): seq \(gap.0) then \(gap.1)")
            }
        }

        for decoded in events {
            let event = decoded.event
            let time = event.timestamp
            let accepted = event.outcome == .accepted
            let rejected = event.outcome == .rejected
            let address = event.clientIP ?? ""

            // logging_gap: a service with 10 minutes of events, then silent for more than 5.
            if let times = serviceTimes[event.service] {
                if time - times.last > 5 * minute && times.last - times.first >= 10 * minute {
                    hit("logging_gap", "\(event.service) silent for \((time - times.last) / second) s")
                }
                serviceTimes[event.service] = (times.first, time)
            } else {
                serviceTimes[event.service] = (time, time)
            }
            if rejected {
                rejectionsPerMinute[event.service, default: [:]][time / minute, default: 0] += 1
            }

            // alg_none_attempt, alg_confusion
            if event.algorithm?.lowercased() == "none" || event.reason == .algNone {
                hit("alg_none_attempt", "alg none at \(event.service), \(event.outcome?.name ?? "")")
            }
            if let alg = event.algorithm, accepted, ["RS", "ES", "PS", "Ed"].contains(where: alg.hasPrefix) {
                asymmetricIssuers.insert(event.issuer ?? "")
            }
            if event.reason == .algNotAllowed
                || (event.algorithm?.hasPrefix("HS") == true && asymmetricIssuers.contains(event.issuer ?? ""))
            {
                hit("alg_confusion", "\(event.algorithm ?? "") at \(event.service)")
            }

            // header_injection
            if let kid = event.keyID, kid.contains(where: { "/\\'\";|&$`<> ".contains($0) }) || kid.contains("..") {
                hit("header_injection", "kid \(kid)")
            }
            if event.jwkSetURL != nil || event.x509URL != nil { hit("header_injection", "jku or x5u") }

            // retired_key: the scenario's retired kid; or >= 10 key_unknown within 10 minutes
            // after a kid first seen later than the first minute (a rotation).
            if event.keyID == AttackScenario.retiredKeyID { hit("retired_key", "kid \(AttackScenario.retiredKeyID)") }
            if accepted, let kid = event.keyID {
                let key = (event.issuer ?? "") + " " + kid
                if kidFirstSeen[key] == nil {
                    kidFirstSeen[key] = time
                    if time > first + minute { rotations.append(time) }
                }
            }
            if event.reason == .keyUnknown {
                keyUnknownTimes.append(time)
                for rotation in rotations where time - rotation <= 10 * minute {
                    if keyUnknownTimes.filter({ $0 >= rotation && $0 <= rotation + 10 * minute }).count >= 10 {
                        hit("retired_key", "10 key_unknown after a rotation")
                    }
                }
            }

            // validator_misconfig, clock_skew
            if accepted {
                let seconds = time / second
                if let exp = event.expiresAt, exp * second < time - leeway {
                    hit("validator_misconfig", "accepted, expired \(seconds - exp) s before at \(event.service)")
                }
                if let nbf = event.notBefore, nbf * second > time + leeway {
                    hit("validator_misconfig", "accepted before nbf at \(event.service)")
                }
                if event.algorithm?.lowercased() == "none" { hit("validator_misconfig", "accepted alg none") }
                if event.tokenType != .refresh, let exp = event.expiresAt, let iat = event.issuedAt,
                    exp - iat > 86_400
                {
                    hit("validator_misconfig", "accepted a token living \(exp - iat) s at \(event.service)")
                }
                if let iat = event.issuedAt, iat * second > time + leeway {
                    hit("clock_skew", "iat \(iat - seconds) s ahead at \(event.service)")
                }
                if let nbf = event.notBefore, nbf * second > time + leeway {
                    hit("clock_skew", "nbf \(nbf - seconds) s ahead at \(event.service)")
                }
            }

            // Threshold rules.
            if event.reason == .badSignature {
                badSignatures[address, default: Window()].add(time, (), span: minute)
                if badSignatures[address]!.count >= 20 { hit("brute_force_signature", "from \(address)") }
            }
            if rejected, let sub = event.subject {
                rejectedSubjects[address, default: Window()].add(time, sub, span: 5 * minute)
                if Set(rejectedSubjects[address]!.live).count >= 10 { hit("token_spray", "from \(address)") }
            }
            if event.reason == .keyUnknown {
                unknownKids[address, default: Window()].add(time, event.keyID ?? "", span: 5 * minute)
                if Set(unknownKids[address]!.live).count >= 10 { hit("key_probe", "from \(address)") }
            }
            if event.reason == .audienceMismatch || event.reason == .issuerMismatch {
                mismatchesByAddress[address, default: Window()].add(time, (), span: 5 * minute)
                if mismatchesByAddress[address]!.count >= 10 { hit("token_substitution", "from \(address)") }
                if let sub = event.subject {
                    mismatchesBySubject[sub, default: Window()].add(time, (), span: 5 * minute)
                    if mismatchesBySubject[sub]!.count >= 10 { hit("token_substitution", "for \(sub)") }
                }
            }
            if event.reason == .expired {
                if let client = event.clientID {
                    expiredByClient[client, default: Window()].add(time, (), span: minute)
                    if expiredByClient[client]!.count >= 100 { hit("expired_token_storm", "client \(client)") }
                }
                expiredByAddress[address, default: Window()].add(time, (), span: minute)
                if expiredByAddress[address]!.count >= 100 { hit("expired_token_storm", "from \(address)") }
            }
            if rejected {
                if let sub = event.subject {
                    rejectionsBySubject[sub, default: Window()].add(time, (), span: 10 * minute)
                }
                rejectionsByAddress[address, default: Window()].add(time, (), span: 10 * minute)
            }
            if accepted {
                if let sub = event.subject, let window = rejectionsBySubject[sub],
                    window.count(since: time - 10 * minute) >= 5
                {
                    hit("failures_then_success", "subject \(sub)")
                }
                if let window = rejectionsByAddress[address], window.count(since: time - 10 * minute) >= 5 {
                    hit("failures_then_success", "address \(address)")
                }
            }

            // token_replay
            if event.tokenType == .access, let jti = event.tokenID {
                if event.kind == .revoke {
                    revokedAccess.insert(jti)
                } else if event.kind == .validate {
                    if revokedAccess.contains(jti) { hit("token_replay", "jti used after its revocation") }
                    accessAddresses[jti, default: Window()].add(time, address, span: 10 * minute)
                    if Set(accessAddresses[jti]!.live).count >= 3 { hit("token_replay", "jti from 3 addresses") }
                }
            }

            // refresh_token_reuse, refresh_race
            if let finding = ledger.apply(event) {
                hit(finding.rule, finding.text)
            }
        }

        // logging_gap at the end: a steady service silent until the end of the stream.
        for (service, times) in serviceTimes
        where end - times.last > 5 * minute && times.last - times.first >= 10 * minute {
            hit("logging_gap", "\(service) silent at the end")
        }
        // failure_rate_spike: a minute with >= 50 rejections, z >= 4 over >= 10 earlier minutes.
        for (service, minutes) in rejectionsPerMinute {
            guard let firstMinute = serviceTimes[service].map({ $0.first / minute }) else { continue }
            var history: [Double] = []
            for index in firstMinute...(end / minute) {
                let count = Double(minutes[index] ?? 0)
                if history.count >= 10 && count >= 50 {
                    let mean = history.reduce(0, +) / Double(history.count)
                    let variance = history.reduce(0) { $0 + ($1 - mean) * ($1 - mean) } / Double(history.count)
                    let deviation = max(variance.squareRoot(), mean.squareRoot(), 1)
                    if (count - mean) / deviation >= 4 {
                        hit("failure_rate_spike", "\(service): \(Int(count)) in a minute, usual \(Int(mean))")
                    }
                }
                history.append(count)
            }
        }
        return found
    }
}

/// The refresh-token lifecycle of DESIGN section 2, for the checks.
struct RefreshLedger {
    struct Family {
        var current: String
        var previous: String?
        var rotated: Int64 = 0
        var address: String?
        var userAgent: String?
        var revoked = false
    }

    /// Family of every refresh jti ever seen.
    var familyOf: [String: String] = [:]
    var families: [String: Family] = [:]
    var revokedTokens: Set<String> = []

    /// Applies `event`; returns a finding when it is a reuse or a race.
    mutating func apply(_ event: AuditEvent) -> (rule: String, text: String)? {
        guard event.tokenType == .refresh, let jti = event.tokenID else { return nil }
        switch event.kind {
        case .issue:
            let family = event.family ?? jti
            familyOf[jti] = family
            families[family] = Family(current: jti, address: event.clientIP, userAgent: event.userAgent)
        case .rotate:
            guard let parent = event.parentTokenID else { return nil }
            let family = event.family ?? familyOf[parent] ?? jti
            familyOf[jti] = family
            families[family] = Family(
                current: jti,
                previous: parent,
                rotated: event.timestamp,
                address: event.clientIP,
                userAgent: event.userAgent
            )
        case .revoke:
            revokedTokens.insert(jti)
            if let family = event.family ?? familyOf[jti] { families[family]?.revoked = true }
        case .validate:
            guard let familyID = familyOf[jti] ?? event.family, let family = families[familyID] else { return nil }
            if revokedTokens.contains(jti) || family.revoked {
                return ("refresh_token_reuse", "revoked refresh token \(event.outcome?.name ?? "")")
            }
            guard jti != family.current else { return nil }
            if jti == family.previous && event.timestamp - family.rotated <= 30 * DetectorChecks.second
                && event.clientIP == family.address && event.userAgent == family.userAgent
            {
                return ("refresh_race", "previous token \((event.timestamp - family.rotated) / 1000) ms later")
            }
            return ("refresh_token_reuse", "superseded refresh token from \(event.clientIP ?? "?")")
        }
        return nil
    }
}
