import Foundation
import JWTAuditModel
import Testing

@testable import JWTAuditLoad

@Suite("Generator building blocks")
struct SupportTests {
    @Test("generated timestamps parse back with the daemon's parser", arguments: [
        0, 1_764_374_400_123_456, 951_782_400_000_001, -1,
    ])
    func rfc3339RoundTrip(micros: Int64) {
        #expect(Timestamp.parseRFC3339(RFC3339.format(micros: micros)) == micros)
        let milliseconds = micros - ((micros % 1_000) + 1_000) % 1_000
        #expect(Timestamp.parseRFC3339(RFC3339.format(micros: micros, style: .milliseconds)) == milliseconds)
    }

    @Test("RFC 3339 styles")
    func rfc3339Styles() {
        #expect(RFC3339.format(micros: 1_764_374_400_123_456) == "2025-11-29T00:00:00.123456Z")
        #expect(RFC3339.format(micros: 1_764_374_400_123_456, style: .milliseconds) == "2025-11-29T00:00:00.123Z")
        #expect(
            RFC3339.format(micros: 1_764_374_400_123_456, style: .secondsWithOffset) == "2025-11-29T00:00:00+00:00"
        )
    }

    @Test("base64url of 128 bits matches Foundation's base64")
    func base64URL() {
        var random = Xoshiro256StarStar(seed: 3)
        for _ in 0..<100 {
            let high = random.next()
            let low = random.next()
            var writer = ByteWriter(capacity: 22)
            writer.appendBase64URL(high: high, low: low)
            let bytes =
                (0..<8).map { UInt8(truncatingIfNeeded: high >> (56 - 8 * $0)) }
                + (0..<8).map { UInt8(truncatingIfNeeded: low >> (56 - 8 * $0)) }
            let expected = Data(bytes).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
            #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
        }
    }

    @Test("decimal and JSON string writing")
    func writer() {
        var writer = ByteWriter(capacity: 64)
        writer.appendDecimal(Int64.min)
        writer.append(" ")
        writer.appendDecimal(0)
        writer.append(" ")
        writer.appendDecimal(1_234_567)
        writer.append(" ")
        writer.appendJSONString("a\"b\\c\n\u{1}é")
        let expected = "-9223372036854775808 0 1234567 \"a\\\"b\\\\c\\n\\u0001é\""
        #expect(String(decoding: writer.bytes, as: UTF8.self) == expected)
    }

    @Test("the seeded generator repeats for a seed and stays in range")
    func prng() {
        var a = Xoshiro256StarStar(seed: 99)
        var b = Xoshiro256StarStar(seed: 99)
        var c = Xoshiro256StarStar(seed: 100)
        let first = (0..<16).map { _ in a.next() }
        #expect(first == (0..<16).map { _ in b.next() })
        #expect(first != (0..<16).map { _ in c.next() })
        for _ in 0..<10_000 {
            #expect((0..<7).contains(a.below(7)))
            let u = a.unit()
            #expect(u >= 0 && u < 1)
        }
    }

    @Test("Zipf sampling favours low ranks in proportion")
    func zipf() {
        let zipf = ZipfDistribution(count: 1_000, exponent: 1)
        var random = Xoshiro256StarStar(seed: 5)
        var counts = [Int](repeating: 0, count: 1_000)
        for _ in 0..<100_000 { counts[zipf.sample(using: &random)] += 1 }
        #expect(counts[0] > counts[1] && counts[1] > counts[9])
        let ratio = Double(counts[0]) / Double(counts[1])
        #expect(ratio > 1.7 && ratio < 2.3, "rank 1 / rank 2 = \(ratio)")
        #expect(abs(Double(counts[0]) / 100_000 - zipf.probability(of: 0)) < 0.01)
    }

    @Test("latency percentiles use the nearest rank")
    func percentiles() throws {
        let summary = try #require(LatencySummary(nanoseconds: (1...100).map { UInt64($0) * 1_000_000 }))
        #expect(summary.count == 100)
        #expect(summary.p50 == 0.05)
        #expect(summary.p99 == 0.099)
        #expect(summary.max == 0.1)
        #expect(LatencySummary(nanoseconds: []) == nil)
    }
}
