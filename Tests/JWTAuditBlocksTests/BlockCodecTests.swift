import JWTAuditModel
import Testing

@testable import JWTAuditBlocks

/// Encodes and decodes, checking the result equals the input field by field and byte for byte.
func roundTrip(_ events: [AuditEvent], level: Int32 = 6) throws -> [AuditEvent] {
    let block = BlockCodec.encode(events, level: level)
    let decoded = try BlockCodec.decode(block)
    #expect(decoded.count == events.count)
    for (original, copy) in zip(events, decoded) {
        #expect(copy == original)
        // String equality is canonical equivalence; storage must keep the exact bytes.
        #expect(utf8Fields(copy) == utf8Fields(original))
    }
    return decoded
}

/// Every string of an event as UTF-8 bytes, attributes in key-byte order.
func utf8Fields(_ event: AuditEvent) -> [[UInt8]] {
    let strings: [String?] = [
        event.service, event.issuer, event.subject, event.tokenID, event.algorithm, event.keyID, event.type,
        event.scope, event.clientID, event.tenant, event.clientIP, event.userAgent, event.family,
        event.parentTokenID, event.jwkSetURL, event.x509URL, event.tokenFingerprint, event.producer,
    ]
    var fields = strings.map { $0.map { Array($0.utf8) } ?? [0xFF] }
    for value in event.audience?.values ?? [] { fields.append(Array(value.utf8)) }
    let attributes = event.attributes.map { (Array($0.key.utf8), Array($0.value.utf8)) }
        .sorted { $0.0.lexicographicallyPrecedes($1.0) }
    for (key, value) in attributes {
        fields.append(key)
        fields.append(value)
    }
    return fields
}

@Suite struct BlockCodecTests {
    @Test("an event with every field set comes back identical")
    func fullEvent() throws {
        _ = try roundTrip([EventSamples.full()])
    }

    @Test("each optional field, cleared on its own, comes back absent", arguments: EventSamples.clearers.indices)
    func eachFieldAbsent(index: Int) throws {
        var event = EventSamples.full()
        EventSamples.clearers[index].clear(&event)
        // Alone, and between full events of the same token (the per-token reference paths).
        var sameToken = EventSamples.full()
        sameToken.tokenID = event.tokenID
        _ = try roundTrip([event])
        _ = try roundTrip([sameToken, event, sameToken, event])
        _ = try roundTrip([event, sameToken, event])
    }

    @Test("every combination of present and absent optionals over a block survives")
    func presenceMixes() throws {
        var random = SplitMix64(seed: 9)
        var events: [AuditEvent] = []
        for index in 0..<400 {
            var event = EventSamples.full(index % 7)
            for clearer in EventSamples.clearers where random.chance(0.4) { clearer.clear(&event) }
            event.timestamp += Int64(index)
            events.append(event)
        }
        _ = try roundTrip(events)
    }

    @Test("empty strings stay empty strings, not absent values")
    func emptyStrings() throws {
        let decoded = try roundTrip([EventSamples.emptyStrings(), EventSamples.full(), EventSamples.emptyStrings()])
        #expect(decoded[0].subject == "")
        #expect(decoded[0].audience == .single(""))
        #expect(decoded[0].attributes == ["": ""])
    }

    @Test("Unicode keeps its exact bytes, including canonically equivalent spellings")
    func unicode() throws {
        var composed = EventSamples.full()
        composed.subject = "Jos\u{E9} 🙂 ユーザー"
        composed.service = "caf\u{E9}-api"
        composed.attributes = ["clé": "välue ✓", "emoji 🧪": "\u{0}nul"]
        composed.audience = .list(["ñ", "Ω", "𝄞"])
        var decomposed = composed
        decomposed.subject = "Jose\u{301} 🙂 ユーザー"
        decomposed.service = "cafe\u{301}-api"
        decomposed.tokenID = composed.tokenID
        // The same token, whose only difference is an audience Swift's == calls equal.
        var sameToken = composed
        sameToken.audience = .list(["n\u{303}", "Ω", "𝄞"])
        var singleComposed = composed
        singleComposed.audience = .single("\u{E9}")
        var singleDecomposed = composed
        singleDecomposed.audience = .single("e\u{301}")
        let decoded = try roundTrip([composed, decomposed, composed, sameToken, singleComposed, singleDecomposed])
        #expect(decoded[3].audience.map { $0.values.map { Array($0.utf8) } } == [Array("n\u{303}".utf8), Array("Ω".utf8), Array("𝄞".utf8)])
        #expect(decoded[5].audience.map { $0.values.map { Array($0.utf8) } } == [Array("e\u{301}".utf8)])
        #expect(Array(decoded[1].subject!.utf8) == Array("Jose\u{301} 🙂 ユーザー".utf8))
        #expect(Array(decoded[2].service.utf8) == Array("caf\u{E9}-api".utf8))
    }

    @Test("a one-element list audience stays a list, a single stays a single")
    func audienceShapes() throws {
        var single = EventSamples.full(1)
        single.audience = .single("api://orders")
        var list = EventSamples.full(2)
        list.audience = .list(["api://orders"])
        var empty = EventSamples.full(3)
        empty.audience = .list([])
        var repeated = EventSamples.full(4)
        repeated.audience = .list(["a", "a", "b", "a"])
        // The same token with a different audience shape must not be carried over.
        var sameTokenSingle = single
        sameTokenSingle.audience = .list(["api://orders"])
        let decoded = try roundTrip([single, list, empty, repeated, sameTokenSingle, single, sameTokenSingle])
        #expect(decoded[0].audience == .single("api://orders"))
        #expect(decoded[1].audience == .list(["api://orders"]))
        #expect(decoded[2].audience == .list([]))
        #expect(decoded[4].audience == .list(["api://orders"]))
    }

    @Test("attributes: none, one, many, and keys shared across events")
    func attributes() throws {
        var events: [AuditEvent] = []
        for index in 0..<50 {
            var event = EventSamples.full(index)
            event.attributes = [:]
            for key in 0..<(index % 6) { event.attributes["k\(key % 4)-\(index % 3)"] = String(repeating: "v", count: key) }
            events.append(event)
        }
        _ = try roundTrip(events)
    }

    @Test("extreme integers wrap instead of trapping")
    func extremeIntegers() throws {
        let extremes: [Int64] = [.min, .max, 0, -1, 1, .min + 1, .max - 1]
        var events: [AuditEvent] = []
        for (index, value) in extremes.enumerated() {
            for other in extremes {
                var event = EventSamples.full(index)
                event.timestamp = value
                event.receivedAt = other
                event.issuedAt = other
                event.expiresAt = value
                event.notBefore = other &+ value
                event.latencyMicros = other
                event.sequence = value
                event.peerUID = value < 0 ? .max : 0
                event.peerGID = UInt32(truncatingIfNeeded: other)
                event.peerPID = value < 0 ? .min : .max
                events.append(event)
            }
        }
        _ = try roundTrip(events)
        // And each extreme on its own, where it is the first (absolute) delta.
        for value in extremes {
            var event = EventSamples.full()
            event.timestamp = value
            event.sequence = value
            event.issuedAt = value
            _ = try roundTrip([event])
        }
    }

    @Test("an empty block and a one-event block")
    func emptyAndSingle() throws {
        let empty = BlockCodec.encode([])
        #expect(try BlockCodec.decode(empty).isEmpty)
        #expect(try empty.withUnsafeBytes { try BlockCodec.readHeader($0) }.count == 0)
        let minimal = AuditEvent(timestamp: 1, service: "s")
        _ = try roundTrip([minimal])
        _ = try roundTrip([EventSamples.full()])
    }

    @Test("the header names the version and the event count")
    func header() throws {
        let events = SyntheticTraffic(seed: 3).eventsCopy(123)
        let block = BlockCodec.encode(events)
        let header = try block.withUnsafeBytes { try BlockCodec.readHeader($0) }
        #expect(header.formatVersion == BlockCodec.formatVersion)
        #expect(block.first == 1)
        #expect(header.count == 123)
        #expect(header.payloadSize > 0)
    }

    @Test("the same events always give the same bytes")
    func deterministic() {
        var traffic = SyntheticTraffic(seed: 5)
        var events = traffic.events(500)
        for index in stride(from: 0, to: events.count, by: 7) {
            events[index].attributes = ["b": "2", "a": "1", "c": "3", "z": "26", "m": "13"]
        }
        // Compression streams are reused between blocks: a reused one must leave no trace.
        let first = BlockCodec.encode(events, level: 1)
        let other = BlockCodec.encode(events, level: 9)
        #expect(BlockCodec.encode(events, level: 1) == first)
        #expect(BlockCodec.encode(events, level: 9) == other)
        #expect(BlockCodec.encode(events) == BlockCodec.encode(events))
    }

    @Test("blocks encoded on many threads at once are the same as one by one")
    func concurrentEncoding() async throws {
        var traffic = SyntheticTraffic(seed: 12)
        let events = traffic.events(2000)
        let blocks = stride(from: 0, to: events.count, by: 250).map { Array(events[$0..<($0 + 250)]) }
        let expected = blocks.map { BlockCodec.encode($0, level: 6) }
        let encoded = await withTaskGroup(of: (Int, [UInt8]).self) { group in
            for _ in 0..<4 {
                for (index, block) in blocks.enumerated() {
                    group.addTask { (index, BlockCodec.encode(block, level: 6)) }
                }
            }
            var results: [(Int, [UInt8])] = []
            for await result in group { results.append(result) }
            return results
        }
        for (index, bytes) in encoded { #expect(bytes == expected[index]) }
        #expect(try BlockCodec.decode(expected[3]) == blocks[3])
    }

    @Test("tokens that change their claims between uses", arguments: [0, 1, 2, 3])
    func changingClaims(seed: UInt64) throws {
        var random = SplitMix64(seed: seed)
        let base = (0..<20).map { EventSamples.full($0) }
        var events: [AuditEvent] = []
        for index in 0..<600 {
            var event = base[random.below(base.count)]
            event.timestamp += Int64(index)
            // Mostly the token's own claims, sometimes one field different or missing.
            if random.chance(0.3) {
                switch random.below(8) {
                case 0: event.subject = "other-\(random.below(3))"
                case 1: event.audience = random.chance(0.5) ? nil : .single("x")
                case 2: event.issuedAt = event.issuedAt.map { $0 + 1 }
                case 3: event.expiresAt = nil
                case 4: event.clientIP = "198.51.100.\(random.below(4))"
                case 5: event.notBefore = random.chance(0.5) ? nil : 5
                case 6: event.userAgent = nil
                default: event.tokenType = .refresh
                }
            }
            if random.chance(0.1) { event.producer = nil }
            if random.chance(0.1) { event.service = "svc-\(random.below(3))" }
            events.append(event)
        }
        _ = try roundTrip(events)
        _ = try roundTrip(events, level: 1)
    }

    @Test("client addresses: canonical ones packed, every other text kept exactly")
    func addresses() throws {
        let texts = [
            "203.0.113.7", "0.0.0.0", "255.255.255.255", "10.0.0.1", "01.2.3.4", "1.2.3", "1.2.3.4.5", "256.1.1.1",
            "2001:db8::1", "::", "::1", "1::", "2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1", "2001:DB8::1",
            "2001:0db8::1", "::ffff:192.0.2.1", "fe80::1%eth0", "1:0:0:0:0:0:0:8", "1::8", "1:2:3:4:5:6:7:8",
            "1:2:3:4:5:6:7::", "::2:3:4:5:6:7:8", "0:0:1::", "not an address", "", " 1.2.3.4", "1.2.3.4 ",
        ]
        var events: [AuditEvent] = []
        for (index, text) in texts.enumerated() {
            var event = EventSamples.full(index)
            event.clientIP = text
            events.append(event)
        }
        _ = try roundTrip(events)
    }

    @Test("canonical address text parses, other spellings do not")
    func addressCanonicalForm() {
        func v4(_ text: String) -> Bool { Array(text.utf8).withUnsafeBytes { AddressText.parseIPv4($0) != nil } }
        func v6(_ text: String) -> Bool { Array(text.utf8).withUnsafeBytes { AddressText.parseIPv6($0) != nil } }
        #expect(v4("192.0.2.1") && v4("0.0.0.0") && !v4("192.0.2.01") && !v4("192.0.2") && !v4("1.2.3.256"))
        #expect(v6("2001:db8::1") && v6("::") && v6("1::") && v6("1:0:0:1::"))
        #expect(!v6("2001:DB8::1") && !v6("2001:db8:0:0:0:0:0:1") && !v6("1:0::1:2:3:4:5") && !v6("::ffff:1.2.3.4"))
        #expect(!v6("1:2:3:4:5:6:7:8:9") && !v6(":1::") && !v6("1:::2"))
        // RFC 5952: the first of two equally long zero runs is the one shortened.
        #expect(AddressText.renderIPv6([1, 0, 0, 2, 0, 0, 3, 4]) == Array("1::2:0:0:3:4".utf8))
        #expect(AddressText.renderIPv6([1, 0, 2, 3, 4, 5, 6, 7]) == Array("1:0:2:3:4:5:6:7".utf8))
    }

    @Test("realistic traffic round-trips at every block size", arguments: [1, 2, 17, 1000, 4000])
    func realisticTraffic(blockSize: Int) throws {
        var traffic = SyntheticTraffic(seed: UInt64(blockSize), withFingerprints: blockSize % 2 == 0)
        let events = traffic.events(4000)
        for start in stride(from: 0, to: min(events.count, blockSize * 3), by: blockSize) {
            _ = try roundTrip(Array(events[start..<min(start + blockSize, events.count)]))
        }
    }

    @Test("producers that change between events of one service, and peers that change")
    func producersAndPeers() throws {
        var random = SplitMix64(seed: 1)
        var events: [AuditEvent] = []
        for index in 0..<300 {
            var event = AuditEvent(timestamp: Int64(index), service: "svc-\(random.below(4))")
            event.producer = random.chance(0.2) ? nil : "p\(random.below(5))"
            event.peerUID = UInt32(random.below(3))
            event.peerPID = Int32(random.below(100_000)) - 50_000
            event.sequence = random.chance(0.9) ? Int64(index) : nil
            event.receivedAt = random.chance(0.5) ? Int64(index) + 5 : 0
            events.append(event)
        }
        _ = try roundTrip(events)
    }
}

extension SyntheticTraffic {
    /// `count` events of a fresh copy of the generator.
    func eventsCopy(_ count: Int) -> [AuditEvent] {
        var copy = self
        return copy.events(count)
    }
}
