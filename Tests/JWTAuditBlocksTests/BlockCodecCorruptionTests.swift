import JWTAuditModel
import Testing

@testable import JWTAuditBlocks

/// Hostile and damaged blocks: decoding must throw ``BlockCodecError`` (or, for a payload that
/// is damaged but still consistent, return events), and never trap.
@Suite struct BlockCodecCorruptionTests {
    static let events: [AuditEvent] = {
        var traffic = SyntheticTraffic(seed: 11, withFingerprints: true)
        var events = traffic.events(60)
        events[3] = EventSamples.full(3)
        events[4] = EventSamples.emptyStrings()
        events[5].clientIP = "2001:db8::7"
        return events
    }()
    static let block = BlockCodec.encode(events)

    /// The uncompressed payload of `block`.
    static func payload(of block: [UInt8]) throws -> [UInt8] {
        let header = try block.withUnsafeBytes { try BlockCodec.readHeader($0) }
        return try Deflate.decompress(Array(block[header.bodyStart...]), expectedSize: header.payloadSize)
    }

    /// A block around an arbitrary payload, with a correct header and checksum.
    static func block(payload: [UInt8], count: Int) -> [UInt8] {
        var header = ByteWriter()
        header.write(BlockCodec.formatVersion)
        header.writeVarint(count)
        header.writeVarint(payload.count)
        return header.bytes + Deflate.compress(payload, level: 1)
    }

    @Test("every truncation throws")
    func truncated() {
        for length in 0..<Self.block.count {
            #expect(throws: BlockCodecError.self) { try BlockCodec.decode(Array(Self.block[..<length])) }
        }
    }

    @Test("every flipped byte throws, or hits a bit zlib ignores and decodes to the same events")
    func flippedBytes() {
        var thrown = 0
        var changed: [String] = []
        for index in Self.block.indices {
            for mask: UInt8 in [0x01, 0x80, 0xFF] {
                var damaged = Self.block
                damaged[index] ^= mask
                do {
                    // Adler-32 covers the decompressed payload: a flip that decodes at all must
                    // be one that deflate ignores (padding, an unused code length).
                    if try BlockCodec.decode(damaged) != Self.events { changed.append("\(index) ^ \(mask)") }
                } catch {
                    thrown += 1
                }
            }
        }
        #expect(changed.isEmpty, "flips that decoded to different events: \(changed)")
        #expect(thrown > Self.block.count * 3 * 99 / 100)
    }

    @Test("bytes after the zlib stream throw")
    func trailingBytes() {
        #expect(throws: BlockCodecError.self) { try BlockCodec.decode(Self.block + [0]) }
    }

    @Test("random bytes throw")
    func randomBytes() {
        var random = SplitMix64(seed: 2)
        for length in [0, 1, 2, 5, 40, 400, 4000] {
            for _ in 0..<50 {
                var bytes = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next()) }
                if random.chance(0.5), !bytes.isEmpty { bytes[0] = BlockCodec.formatVersion }
                #expect(throws: BlockCodecError.self) { try BlockCodec.decode(bytes) }
            }
        }
    }

    @Test("an unknown version and absurd counts are refused before decompressing")
    func hostileHeaders() {
        var other = Self.block
        other[0] = 2
        #expect(throws: BlockCodecError.self) { try BlockCodec.decode(other) }
        // Ten million events, or a petabyte of payload, behind a few bytes.
        let huge: [[UInt8]] = [
            [1, 0x80, 0xAD, 0xE2, 0x04, 10, 0x78, 0x9C],
            [1, 10, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0x78, 0x9C],
            [1, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F],
        ]
        for bytes in huge {
            #expect(throws: BlockCodecError.self) { try BlockCodec.decode(bytes) }
        }
        // A payload size that zlib cannot reach from so few bytes (a bomb's declared size).
        let bomb = Self.block(payload: [UInt8](repeating: 0, count: 100), count: 1)
        var lying = ByteWriter()
        lying.write(1)
        lying.writeVarint(1)
        lying.writeVarint(BlockCodec.maxPayloadBytes)
        let body = Array(bomb[3...])
        #expect(throws: BlockCodecError.self) { try BlockCodec.decode(lying.bytes + body) }
    }

    /// Random events with every structure the format has (lists, attributes, text and binary
    /// addresses, identifiers of many lengths, carried and changed tokens).
    static let mixedEvents: [AuditEvent] = {
        var random = SplitMix64(seed: 31)
        var events: [AuditEvent] = []
        for _ in 0..<80 { events.append(BlockCodecRandomTests.event(&random, pool: events)) }
        events[7].clientIP = "2001:db8::7"
        return events
    }()

    @Test("damaged payloads behind a valid checksum throw or decode, never trap", arguments: [false, true])
    func damagedPayloads(mixed: Bool) throws {
        let events = mixed ? Self.mixedEvents : Self.events
        let payload = try Self.payload(of: BlockCodec.encode(events))
        var random = SplitMix64(seed: mixed ? 78 : 77)
        var thrown = 0
        let rounds = 3000
        for round in 0..<rounds {
            var damaged = payload
            switch round % 5 {
            case 0:
                // One byte anywhere.
                damaged[random.below(damaged.count)] = UInt8(truncatingIfNeeded: random.next())
            case 1:
                // A few bytes.
                for _ in 0..<1 + random.below(8) {
                    damaged[random.below(damaged.count)] ^= UInt8(truncatingIfNeeded: 1 << random.below(8))
                }
            case 2:
                // Cut short or extended.
                let cut = random.below(damaged.count)
                damaged = random.chance(0.5) ? Array(damaged[..<cut]) : damaged + damaged[cut...]
            case 3:
                // A byte removed or inserted (everything after shifts).
                let at = random.below(damaged.count)
                if random.chance(0.5) { damaged.remove(at: at) } else { damaged.insert(UInt8(random.below(256)), at: at) }
            default:
                // A small value in the directory or early segments, where counts live.
                damaged[random.below(min(damaged.count, 200))] = UInt8(random.below(4))
            }
            let count = round % 17 == 0 ? random.below(200) : events.count
            do {
                let decoded = try BlockCodec.decode(Self.block(payload: damaged, count: count))
                #expect(decoded.count == count)
            } catch {
                thrown += 1
            }
        }
        // Most damage is caught by the structure checks.
        #expect(thrown > rounds * 3 / 4)
    }

    @Test("random payloads behind a valid checksum throw, never trap")
    func randomPayloads() {
        var random = SplitMix64(seed: 78)
        for round in 0..<500 {
            let length = random.below(3000)
            var payload = (0..<length).map { _ in UInt8(truncatingIfNeeded: random.next() & (round % 2 == 0 ? 0xFF : 0x03)) }
            if round % 3 == 0, !payload.isEmpty { payload[0] = UInt8(BlockLayout.segmentCount) }
            #expect(throws: BlockCodecError.self) {
                try BlockCodec.decode(Self.block(payload: payload, count: random.below(100)))
            }
        }
    }

    @Test("dictionary text that is not UTF-8 throws", arguments: ["zzsubjectzz", "zzaddresszz"])
    func invalidUTF8(marker: String) throws {
        var event = EventSamples.full()
        event.subject = "zzsubjectzz"
        event.clientIP = "zzaddresszz"
        let payload = try Self.payload(of: BlockCodec.encode([event]))
        let needle = Array(marker.utf8)
        let at = try #require(
            (0...(payload.count - needle.count)).first { Array(payload[$0..<($0 + needle.count)]) == needle })
        for bad: [UInt8] in [[0xFF], [0xC3, 0x28], [0xED, 0xA0, 0x80], [0xF4, 0x90, 0x80, 0x80]] {
            var damaged = payload
            damaged.replaceSubrange(at..<(at + bad.count), with: bad)
            #expect(throws: BlockCodecError.self) { try BlockCodec.decode(Self.block(payload: damaged, count: 1)) }
        }
    }

    @Test("errors describe the problem without any event data")
    func errorsCarryNoData() throws {
        let payload = try Self.payload(of: Self.block)
        var random = SplitMix64(seed: 5)
        let secrets = ["auth0|", "203.0.113", "orders", "q3Xr0vJmT2aK8pL1nB5cZw", "eu-west-1"]
        for _ in 0..<300 {
            var damaged = payload
            damaged[random.below(damaged.count)] = UInt8(truncatingIfNeeded: random.next())
            do {
                _ = try BlockCodec.decode(Self.block(payload: damaged, count: Self.events.count))
            } catch {
                let text = error.description
                #expect(text.hasPrefix("block codec: "))
                for secret in secrets { #expect(!text.contains(secret)) }
            }
        }
    }
}
