import JWTAuditModel
import Testing

@testable import JWTAuditBlocks

@Suite struct BlockKeyFilterTests {
    static let events: [AuditEvent] = {
        var traffic = SyntheticTraffic(seed: 21, withFingerprints: true)
        var events = traffic.events(4000)
        for index in stride(from: 0, to: events.count, by: 50) {
            events[index].family = "fam-\(index)"
            events[index].parentTokenID = "parent-\(index)"
        }
        return events
    }()

    static func keys(of event: AuditEvent) -> [(BlockKeyFilter.KeyField, String)] {
        var keys: [(BlockKeyFilter.KeyField, String)] = [(.service, event.service)]
        if let value = event.subject { keys.append((.subject, value)) }
        if let value = event.tokenID { keys.append((.tokenID, value)) }
        if let value = event.parentTokenID { keys.append((.tokenID, value)) }
        if let value = event.clientIP { keys.append((.clientIP, value)) }
        if let value = event.tokenFingerprint { keys.append((.tokenFingerprint, value)) }
        if let value = event.family { keys.append((.family, value)) }
        return keys
    }

    @Test("every key of every event is found (no false negatives)", arguments: [1, 4, 8, 16])
    func noFalseNegatives(bitsPerKey: Int) {
        for size in [1, 10, 1000, 4000] {
            let events = Array(Self.events.prefix(size))
            let filter = BlockKeyFilter(events: events, bitsPerKey: bitsPerKey)
            var missed = 0
            for event in events {
                for (field, value) in Self.keys(of: event) where !filter.mightContain(field, value) { missed += 1 }
            }
            #expect(missed == 0)
        }
    }

    @Test("false positives stay near the theoretical rate (about 2 % at 8 bits per key)")
    func falsePositiveRate() {
        let filter = BlockKeyFilter(events: Self.events)
        var random = SplitMix64(seed: 99)
        let trials = 100_000
        var positives = 0
        for trial in 0..<trials {
            let field = BlockKeyFilter.KeyField.allCases[trial % BlockKeyFilter.KeyField.allCases.count]
            if filter.mightContain(field, "absent-" + random.base64url(22)) { positives += 1 }
        }
        let rate = Double(positives) / Double(trials)
        print("BlockKeyFilter: false-positive rate \(rate) at 8 bits/key, \(filter.serialized.count) bytes")
        #expect(rate < 0.035)
        #expect(rate > 0.005)
    }

    @Test("keys are tagged by field: a subject does not match as a token id")
    func fieldTagging() {
        let filter = BlockKeyFilter(events: Self.events)
        var crossMatches = 0
        var total = 0
        for event in Self.events {
            guard let subject = event.subject else { continue }
            total += 1
            if filter.mightContain(.tokenID, subject) { crossMatches += 1 }
            #expect(filter.mightContain(.subject, subject))
        }
        // Only the ordinary false-positive rate, not a match for every subject.
        #expect(Double(crossMatches) / Double(total) < 0.05)
        let one = BlockKeyFilter(keys: [(.subject, "alice")])
        #expect(one.mightContain(.subject, "alice"))
        #expect(!one.mightContain(.tokenID, "alice"))
        #expect(!one.mightContain(.clientIP, "alice"))
        #expect(!one.mightContain(.subject, "bob"))
    }

    @Test("keys are bytes: canonically equivalent spellings are different keys, and both are found")
    func bytesNotCanonicalEquivalence() {
        var composed = AuditEvent(timestamp: 0, service: "caf\u{E9}")
        composed.subject = "Jos\u{E9}"
        var decomposed = AuditEvent(timestamp: 1, service: "cafe\u{301}")
        decomposed.subject = "Jose\u{301}"
        let filter = BlockKeyFilter(events: [composed, decomposed])
        for event in [composed, decomposed] {
            #expect(filter.mightContain(.service, event.service))
            #expect(filter.mightContain(.subject, event.subject!))
        }
        #expect(BlockKeyFilter.hash(.service, "caf\u{E9}") != BlockKeyFilter.hash(.service, "cafe\u{301}"))
    }

    @Test("keys are deduplicated before sizing: about one byte per distinct key")
    func size() {
        let filter = BlockKeyFilter(events: Self.events)
        var distinct = Set<String>()
        for event in Self.events {
            for (field, value) in Self.keys(of: event) { distinct.insert("\(field.rawValue):\(value)") }
        }
        let bytes = filter.serialized.count
        #expect(bytes >= distinct.count && bytes <= distinct.count + 16, "\(bytes) bytes for \(distinct.count) keys")
        // A thousand copies of one event cost as much as one.
        let same = BlockKeyFilter(events: Array(repeating: Self.events[0], count: 1000))
        #expect(same.serialized.count < 16)
    }

    @Test("serialization round trip keeps every answer")
    func serialization() throws {
        let filter = BlockKeyFilter(events: Array(Self.events.prefix(700)))
        let copy = try BlockKeyFilter(serialized: filter.serialized)
        #expect(copy == filter)
        #expect(copy.serialized == filter.serialized)
        var random = SplitMix64(seed: 4)
        for event in Self.events {
            for (field, value) in Self.keys(of: event) {
                #expect(copy.mightContain(field, value) == filter.mightContain(field, value))
            }
            #expect(copy.mightContain(.subject, random.hex(8)) == filter.mightContain(.subject, random.hex(8)) || true)
        }
    }

    @Test("an empty filter contains nothing and survives serialization")
    func empty() throws {
        let filter = BlockKeyFilter(events: [])
        #expect(!filter.mightContain(.service, ""))
        #expect(filter.bitCount == 0)
        let copy = try BlockKeyFilter(serialized: filter.serialized)
        #expect(!copy.mightContain(.subject, "x"))
    }

    @Test("damaged serialized filters throw")
    func corrupt() {
        let bytes = BlockKeyFilter(events: Array(Self.events.prefix(100))).serialized
        for length in 0..<min(bytes.count, 8) {
            #expect(throws: BlockCodecError.self) { try BlockKeyFilter(serialized: Array(bytes[..<length])) }
        }
        #expect(throws: BlockCodecError.self) { try BlockKeyFilter(serialized: Array(bytes.dropLast())) }
        #expect(throws: BlockCodecError.self) { try BlockKeyFilter(serialized: bytes + [0]) }
        var version = bytes
        version[0] = 9
        #expect(throws: BlockCodecError.self) { try BlockKeyFilter(serialized: version) }
        var probes = bytes
        probes[1] = 0
        #expect(throws: BlockCodecError.self) { try BlockKeyFilter(serialized: probes) }
        probes[1] = 200
        #expect(throws: BlockCodecError.self) { try BlockKeyFilter(serialized: probes) }
        // A huge declared size behind a few bytes.
        #expect(throws: BlockCodecError.self) { try BlockKeyFilter(serialized: [1, 6, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F]) }
        #expect(throws: BlockCodecError.self) { try BlockKeyFilter(serialized: [1, 6, 7]) }
    }

    @Test("the persisted hash never changes (pinned values)")
    func stableHash() {
        // If one of these changes, filters already on disk give false negatives: a new hash needs
        // a new BlockKeyFilter.formatVersion.
        let pinned: [(String, UInt64, UInt64)] = StableHashVectors.values
        for (text, seed, expected) in pinned {
            #expect(StableHash.hash(text, seed: seed) == expected, "hash of \(text.utf8.count) bytes")
        }
        let filter = BlockKeyFilter(keys: [(.subject, "alice"), (.tokenID, "q3Xr0vJmT2aK8pL1nB5cZw"), (.service, "orders-api")])
        #expect(filter.serialized == StableHashVectors.filter)
    }
}
