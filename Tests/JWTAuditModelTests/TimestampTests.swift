import JWTAuditModel
import Testing

@Suite struct TimestampTests {
    @Test(
        "RFC 3339 date-times parse to UTC microseconds",
        arguments: [
            ("2026-11-29T03:25:34Z", 1_795_922_734_000_000),
            ("2026-11-29T03:25:34.123456Z", 1_795_922_734_123_456),
            ("2026-11-29T03:25:34.123456789Z", 1_795_922_734_123_456),  // truncated below a microsecond
            ("2026-11-29T03:25:34.1Z", 1_795_922_734_100_000),
            ("2026-11-29t04:25:34+01:00", 1_795_922_734_000_000),
            ("2026-11-28T22:25:34-05:00", 1_795_922_734_000_000),
            ("2026-11-29T03:25:34-00:00", 1_795_922_734_000_000),
            ("1970-01-01T00:00:00Z", 0),
            ("1969-12-31T23:59:59.5Z", -500_000),
            ("2000-01-01T00:00:00Z", 946_684_800_000_000),
            ("2024-02-29T12:00:00Z", 1_709_208_000_000_000),
            ("0001-01-01T00:00:00Z", -62_135_596_800_000_000),
            ("9999-12-31T23:59:59.999999Z", 253_402_300_799_999_999),
            ("0001-01-01T23:59:59+23:59", -62_135_596_800_000_000 + 59_000_000),
        ] as [(String, Int64)])
    func parses(text: String, micros: Int64) {
        #expect(Timestamp.parseRFC3339(text) == micros)
        let fromBytes = Array(text.utf8).withUnsafeBytes { Timestamp.parseRFC3339($0) }
        #expect(fromBytes == micros)
    }

    @Test(
        "impossible or malformed date-times are refused",
        arguments: [
            "2026-02-29T00:00:00Z", "2026-02-30T00:00:00Z", "2026-04-31T00:00:00Z", "2026-13-01T00:00:00Z",
            "2026-00-10T00:00:00Z", "2026-01-00T00:00:00Z", "2026-11-29T24:00:00Z", "2026-11-29T23:60:00Z",
            "2026-11-29T23:59:60Z", "1900-02-29T00:00:00Z", "0000-01-01T00:00:00Z", "2026-11-29T03:25:34",
            "2026-11-29 03:25:34Z", "2026-11-29T03:25:34.Z", "2026-11-29T03:25:34.1234567891Z",
            "2026-11-29T03:25:34+1:00", "2026-11-29T03:25:34+01:60", "2026-11-29T03:25:34+24:00",
            "2026-11-29T03:25:34+0100", "2026-11-29T03:25:34ZZ", "2026-11-29T03:25:34Z ", " 2026-11-29T03:25:34Z",
            "26-11-29T03:25:34Z", "2026-1-29T03:25:34Z", "+2026-11-29T03:25:34Z", "2026-11-29", "", "yesterday",
            "0001-01-01T00:00:00+00:01", "9999-12-31T23:59:59-00:01", "2026-11-29T03:25:3٤Z",
        ])
    func refuses(text: String) {
        #expect(Timestamp.parseRFC3339(text) == nil)
    }

    @Test("leap years follow the Gregorian rules")
    func leapYears() {
        #expect(Timestamp.parseRFC3339("2000-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parseRFC3339("2024-02-29T00:00:00Z") != nil)
        #expect(Timestamp.parseRFC3339("2100-02-29T00:00:00Z") == nil)
    }

    @Test(
        "format writes UTC with 0, 3 or 6 fraction digits, the shortest exact",
        arguments: [
            (1_795_922_734_000_000, "2026-11-29T03:25:34Z"),
            (1_795_922_734_123_000, "2026-11-29T03:25:34.123Z"),
            (1_795_922_734_120_000, "2026-11-29T03:25:34.120Z"),
            (1_795_922_734_123_456, "2026-11-29T03:25:34.123456Z"),
            (1_795_922_734_000_001, "2026-11-29T03:25:34.000001Z"),
            (0, "1970-01-01T00:00:00Z"),
            (-500_000, "1969-12-31T23:59:59.500Z"),
            (-1, "1969-12-31T23:59:59.999999Z"),
            (-62_135_596_800_000_000, "0001-01-01T00:00:00Z"),
            (253_402_300_799_999_999, "9999-12-31T23:59:59.999999Z"),
        ] as [(Int64, String)])
    func formats(micros: Int64, text: String) {
        #expect(Timestamp.format(micros) == text)
    }

    @Test("format and parse round-trip across the whole range")
    func roundTrip() {
        var generator = SplitMix64(seed: 7)
        let span = UInt64(Timestamp.maximumMicros - Timestamp.minimumMicros)
        for _ in 0..<10_000 {
            var micros = Timestamp.minimumMicros + Int64(generator.next() % span)
            if generator.next() % 2 == 0 { micros -= micros % 1_000_000 }
            #expect(Timestamp.parseRFC3339(Timestamp.format(micros)) == micros)
        }
        #expect(Timestamp.parseRFC3339(Timestamp.format(Timestamp.minimumMicros)) == Timestamp.minimumMicros)
        #expect(Timestamp.parseRFC3339(Timestamp.format(Timestamp.maximumMicros)) == Timestamp.maximumMicros)
    }
}
