import JWTAuditModel
import Testing

@testable import JWTAuditBlocks

@Suite struct BlockCodecSizeTests {
    /// Bytes per event of `events` cut into blocks of `blockSize`.
    static func bytesPerEvent(_ events: [AuditEvent], blockSize: Int, level: Int32) -> Double {
        var bytes = 0
        for start in stride(from: 0, to: events.count, by: blockSize) {
            bytes += BlockCodec.encode(Array(events[start..<min(start + blockSize, events.count)]), level: level).count
        }
        return Double(bytes) / Double(events.count)
    }

    /// The same events as NDJSON lines, zlib-compressed in blocks: the baseline to beat.
    static func ndjsonBytesPerEvent(_ events: [AuditEvent], blockSize: Int) -> Double {
        var bytes = 0
        for start in stride(from: 0, to: events.count, by: blockSize) {
            let text = events[start..<min(start + blockSize, events.count)].map { SyntheticTraffic.ndjson($0) + "\n" }
            bytes += Deflate.compress(Array(text.joined().utf8), level: 6).count
        }
        return Double(bytes) / Double(events.count)
    }

    @Test("realistic traffic: at most 22.5 bytes per event in 1,000-event blocks, 19 in 4,000-event blocks")
    func realisticSize() {
        var traffic = SyntheticTraffic(seed: 7)
        // Past the warm-up, once the token pool has filled.
        _ = traffic.events(12_000)
        let events = traffic.events(8000)
        let small = Self.bytesPerEvent(events, blockSize: 1000, level: 6)
        let large = Self.bytesPerEvent(events, blockSize: 4000, level: 6)
        let fast = Self.bytesPerEvent(events, blockSize: 1000, level: 1)
        let ndjson = Self.ndjsonBytesPerEvent(events, blockSize: 1000)
        print("BlockCodec size: \(small) B/event (1,000-event blocks, level 6), \(fast) (level 1), "
            + "\(large) (4,000-event blocks); NDJSON + zlib 6: \(ndjson)")
        // Measured 20.1, 20.1 and 16.6; the bounds leave room for changes to the generator.
        #expect(small <= 22.5)
        #expect(fast <= 22.5)
        #expect(large <= 19)
        #expect(small < ndjson / 2.5)
    }

    @Test("token fingerprints cost about their own entropy, not more")
    func fingerprintSize() {
        var plain = SyntheticTraffic(seed: 8)
        var fingerprinted = SyntheticTraffic(seed: 8, withFingerprints: true)
        _ = plain.events(12_000)
        _ = fingerprinted.events(12_000)
        let without = Self.bytesPerEvent(plain.events(4000), blockSize: 1000, level: 6)
        let with = Self.bytesPerEvent(fingerprinted.events(4000), blockSize: 1000, level: 6)
        print("BlockCodec size with token_fp: \(with) B/event (without: \(without))")
        // 128 random bits per distinct token, and tokens repeat about 2.5 times in a block.
        #expect(with - without < 8)
    }
}
