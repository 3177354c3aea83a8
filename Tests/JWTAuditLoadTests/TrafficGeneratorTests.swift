import Foundation
import JWTAuditModel
import Testing

@testable import JWTAuditLoad

/// One generated event, parsed by Foundation (not by anything of ours) into Sendable values.
struct ParsedEvent: Sendable {
    var strings: [String: String] = [:]
    var integers: [String: Int64] = [:]
    var audienceCount = 0
    var byteCount = 0
    var connection = 0

    subscript(_ key: String) -> String? { strings[key] }
}

/// 100,000 events over 2 connections, generated and parsed once for every test that reads them.
enum Sample {
    static let start: Int64 = 1_764_374_400_000_000  // 2025-11-29T00:00:00Z
    static let configuration: TrafficConfiguration = {
        var configuration = TrafficConfiguration(seed: 42, events: 100_000, connections: 2)
        configuration.startMicros = start
        configuration.eventsPerSecond = 5_000
        return configuration
    }()
    static let load = GeneratedLoad.generate(configuration)
    static let parsed: Result<[ParsedEvent], ParseFailure> = parse(load)

    struct ParseFailure: Error, CustomStringConvertible {
        var description: String
    }

    static func parse(_ load: GeneratedLoad) -> Result<[ParsedEvent], ParseFailure> {
        var events: [ParsedEvent] = []
        events.reserveCapacity(load.eventCount)
        for (connection, stream) in load.streams.enumerated() {
            for index in 0..<stream.lineCount {
                let line = stream.line(index)
                guard line.last == UInt8(ascii: "\n"), !line.dropLast().contains(UInt8(ascii: "\n")) else {
                    return .failure(ParseFailure(description: "line \(index) is not one newline-terminated line"))
                }
                guard let object = try? JSONSerialization.jsonObject(with: Data(line.dropLast())) as? [String: Any]
                else {
                    return .failure(
                        ParseFailure(description: "not a JSON object: \(String(decoding: line, as: UTF8.self))")
                    )
                }
                var event = ParsedEvent(byteCount: line.count, connection: connection)
                for (key, value) in object {
                    switch value {
                    case let text as String: event.strings[key] = text
                    case let array as [String]:
                        event.audienceCount = array.count
                        event.strings[key] = array.joined(separator: " ")
                    case let number as NSNumber: event.integers[key] = number.int64Value
                    default:
                        return .failure(ParseFailure(description: "unexpected value for \(key)"))
                    }
                }
                if event.audienceCount == 0 && event.strings["aud"] != nil { event.audienceCount = 1 }
                events.append(event)
            }
        }
        return .success(events)
    }
}

@Suite("TrafficGenerator")
struct TrafficGeneratorTests {
    @Test("the same seed gives the same bytes; another seed gives others")
    func deterministic() {
        var configuration = TrafficConfiguration(seed: 7, events: 5_000, connections: 3)
        configuration.startMicros = Sample.start
        let first = GeneratedLoad.generate(configuration)
        let second = GeneratedLoad.generate(configuration)
        #expect(first.streams.map(\.bytes) == second.streams.map(\.bytes))
        #expect(first.streams.map(\.lineEnds) == second.streams.map(\.lineEnds))
        configuration.seed = 8
        let other = GeneratedLoad.generate(configuration)
        #expect(other.streams[0].bytes != first.streams[0].bytes)
        #expect(other.eventCount == first.eventCount)
    }

    @Test("splits the events over the connections")
    func split() {
        var configuration = TrafficConfiguration(seed: 1, events: 1_001, connections: 4)
        configuration.startMicros = Sample.start
        let load = GeneratedLoad.generate(configuration)
        #expect(load.streams.map(\.lineCount) == [251, 250, 250, 250])
        #expect(load.eventCount == 1_001)
        #expect(load.streams.allSatisfy { $0.lineEnds.last == $0.bytes.count })
    }

    @Test("every line is a JSON object with the required fields and consistent values")
    func validLines() throws {
        let events = try Sample.parsed.get()
        #expect(events.count == 100_000)
        let kinds: Set = ["issue", "rotate", "revoke"]
        let reasons = Set(TrafficGenerator.reasonNames)
        var lastSequence = [Int64](repeating: 0, count: Sample.configuration.connections)
        var lastTime = [Int64](repeating: 0, count: Sample.configuration.connections)
        var problems: [String] = []
        func problem(_ text: String, _ event: ParsedEvent) {
            if problems.count < 10 { problems.append("\(text): \(event.strings) \(event.integers)") }
        }
        for event in events {
            guard event.integers["v"] == 1 else {
                problem("v", event)
                continue
            }
            guard let ts = event["ts"], let micros = Timestamp.parseRFC3339(ts) else {
                problem("ts", event)
                continue
            }
            guard let service = event["service"], (1...128).contains(service.count) else {
                problem("service", event)
                continue
            }
            // seq: 1, 2, 3... per connection; time never goes back within a connection.
            if event.integers["seq"] != lastSequence[event.connection] + 1 { problem("seq", event) }
            lastSequence[event.connection] += 1
            // Services format with different precision (down to whole seconds): compare seconds.
            if micros / 1_000_000 < lastTime[event.connection] / 1_000_000 { problem("time went back", event) }
            lastTime[event.connection] = micros
            let seconds = micros / 1_000_000
            if let jti = event["jti"],
                jti.count != 22 || !jti.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" })
            {
                problem("jti", event)
            }
            if let ip = event["client_ip"] {
                var storage = in6_addr()
                if inet_pton(AF_INET, ip, &storage) != 1 && inet_pton(AF_INET6, ip, &storage) != 1 {
                    problem("client_ip", event)
                }
            } else {
                problem("no client_ip", event)
            }
            if let kind = event["kind"] {
                guard kinds.contains(kind) else {
                    problem("kind", event)
                    continue
                }
                if event["token_type"] != "refresh" || event["family"]?.count != 22 || event["sub"] == nil {
                    problem("refresh fields", event)
                }
                if (kind == "rotate") != (event["parent_jti"] != nil) { problem("parent_jti", event) }
                continue
            }
            guard let outcome = event["outcome"] else {
                problem("outcome", event)
                continue
            }
            let exp = event.integers["exp"]
            let iat = event.integers["iat"]
            switch outcome {
            case "accepted":
                if event["reason"] != nil { problem("reason on accepted", event) }
                if let exp, exp <= seconds { problem("accepted but expired", event) }
                if let iat, iat > seconds { problem("accepted but issued later", event) }
                if let nbf = event.integers["nbf"], nbf > seconds { problem("accepted before nbf", event) }
                if exp == nil || event["sub"] == nil || event["jti"] == nil || event["alg"] == nil
                    || event["iss"] == nil || event["aud"] == nil
                {
                    problem("accepted without claims", event)
                }
            case "rejected":
                guard let reason = event["reason"], reasons.contains(reason) else {
                    problem("reason", event)
                    continue
                }
                switch reason {
                case "expired": if let exp, exp >= seconds { problem("expired but exp after ts", event) }
                case "not_yet_valid":
                    if (event.integers["nbf"] ?? iat ?? 0) <= seconds { problem("not yet valid but valid", event) }
                case "alg_none": if event["alg"] != "none" || event["kid"] != nil { problem("alg none", event) }
                case "alg_not_allowed": if !["HS256", "RS384"].contains(event["alg"] ?? "") { problem("alg", event) }
                case "malformed":
                    if event["sub"] != nil || event["jti"] != nil { problem("malformed has claims", event) }
                default: break
                }
            default:
                problem("outcome value", event)
            }
            if let exp, let iat, exp <= iat { problem("exp before iat", event) }
        }
        #expect(problems.isEmpty, "\(problems.joined(separator: "\n"))")
    }

    @Test("the mix: ~5% rejections over every reason, skewed subjects, many addresses, reused tokens")
    func mix() throws {
        let events = try Sample.parsed.get()
        let total = Double(events.count)
        let validations = events.filter { $0["kind"] == nil }
        let rejected = validations.filter { $0["outcome"] == "rejected" }
        let share = Double(rejected.count) / total
        #expect(share > 0.045 && share < 0.055, "rejection share \(share)")

        var reasonCounts: [String: Int] = [:]
        for event in rejected { reasonCounts[event["reason"]!, default: 0] += 1 }
        #expect(Set(reasonCounts.keys) == Set(TrafficGenerator.reasonNames))
        #expect(reasonCounts.max { $0.value < $1.value }?.key == "expired")

        let issues = events.filter { $0["kind"] == "issue" }.count
        let rotations = events.filter { $0["kind"] == "rotate" }.count
        #expect(issues > 200 && rotations > 1_000, "issues \(issues), rotations \(rotations)")

        let services = Set(events.compactMap { $0["service"] })
        #expect(services.count == 40)
        let issuers = Set(validations.filter { $0["outcome"] == "accepted" }.compactMap { $0["iss"] })
        #expect(issuers.count == 4)
        let algorithms = Set(validations.filter { $0["outcome"] == "accepted" }.compactMap { $0["alg"] })
        #expect(algorithms == ["RS256", "ES256", "EdDSA"])
        let kids = Set(validations.filter { $0["outcome"] == "accepted" }.compactMap { $0["kid"] })
        #expect(kids.count >= 8 && kids.count <= 12)
        #expect(Set(events.compactMap { $0["user_agent"] }).count >= 10)

        // Subjects: many distinct, but skewed (the busiest far above the mean).
        var subjectCounts: [String: Int] = [:]
        for event in events { if let sub = event["sub"] { subjectCounts[sub, default: 0] += 1 } }
        #expect(subjectCounts.count > 5_000 && subjectCounts.count < 100_000, "\(subjectCounts.count) subjects")
        let busiest = subjectCounts.values.max() ?? 0
        #expect(Double(busiest) > 20 * Double(events.count) / Double(subjectCounts.count))

        let addresses = Set(events.compactMap { $0["client_ip"] })
        #expect(addresses.count > 5_000 && addresses.count <= 50_000, "\(addresses.count) addresses")
        let ipv6 = Double(addresses.filter { $0.contains(":") }.count) / Double(addresses.count)
        #expect(ipv6 > 0.05 && ipv6 < 0.3, "IPv6 share \(ipv6)")

        // Access tokens are validated several times each.
        var uses: [String: Int] = [:]
        for event in validations where event["outcome"] == "accepted" { uses[event["jti"]!, default: 0] += 1 }
        let meanUses = Double(uses.values.reduce(0, +)) / Double(uses.count)
        #expect(meanUses > 2.5, "mean uses per access token \(meanUses)")
        #expect((uses.values.max() ?? 0) >= 10)

        let meanBytes = Double(events.reduce(0) { $0 + $1.byteCount }) / total
        #expect(meanBytes > 400 && meanBytes < 480, "mean line \(meanBytes) bytes")
    }

    @Test("timestamps start at the start time and span events / rate seconds")
    func timeSpan() throws {
        let events = try Sample.parsed.get()
        let times = events.compactMap { $0["ts"].flatMap { Timestamp.parseRFC3339($0) } }
        let first = try #require(times.min())
        let last = try #require(times.max())
        #expect(first >= Sample.start && first < Sample.start + 1_000_000)
        // 100,000 events at 5,000/s: 20 s.
        let span = Double(last - first) / 1e6
        #expect(span > 18 && span < 22, "span \(span) s")
    }
}
