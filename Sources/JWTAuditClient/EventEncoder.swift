/// Writes an event as one NDJSON line of the wire protocol (schema version 1), appending to a
/// byte buffer: the writer thread's work, never the caller's.
enum EventEncoder {
    /// Appends `event` with `seq` as one `\n`-terminated line to `output`.
    static func append(_ event: JWTAuditEvent, seq: Int64, defaultService: String, to output: inout [UInt8]) {
        output.append(contentsOf: #"{"v":1,"ts":""#.utf8)
        appendTimestamp(event.timestampMicros ?? 0, to: &output)
        output.append(UInt8(ascii: "\""))
        field("service", event.service ?? defaultService, &output)
        if event.kind != .validate { field("kind", event.kind.rawValue, &output) }
        if let outcome = event.outcome { field("outcome", outcome.rawValue, &output) }
        if let reason = event.reason { field("reason", reason.rawValue, &output) }
        if let tokenType = event.tokenType { field("token_type", tokenType.rawValue, &output) }
        field("iss", event.iss, &output)
        field("sub", event.sub, &output)
        if let aud = event.aud {
            output.append(contentsOf: #","aud":"#.utf8)
            if aud.count == 1 {
                appendString(aud[0], to: &output)
            } else {
                output.append(UInt8(ascii: "["))
                for (index, audience) in aud.enumerated() {
                    if index > 0 { output.append(UInt8(ascii: ",")) }
                    appendString(audience, to: &output)
                }
                output.append(UInt8(ascii: "]"))
            }
        }
        field("jti", event.jti, &output)
        field("alg", event.alg, &output)
        field("kid", event.kid, &output)
        field("typ", event.typ, &output)
        field("scope", event.scope, &output)
        field("client_id", event.clientID, &output)
        field("tenant", event.tenant, &output)
        number("exp", event.exp, &output)
        number("iat", event.iat, &output)
        number("nbf", event.nbf, &output)
        field("jku", event.jku, &output)
        field("x5u", event.x5u, &output)
        field("client_ip", event.clientIP, &output)
        field("user_agent", event.userAgent, &output)
        field("family", event.family, &output)
        field("parent_jti", event.parentJTI, &output)
        number("latency_us", event.latencyMicros, &output)
        field("token", event.token, &output)
        field("token_fp", event.tokenFingerprint, &output)
        number("seq", seq, &output)
        if let attributes = event.attributes, !attributes.isEmpty {
            output.append(contentsOf: #","attrs":{"#.utf8)
            var first = true
            for (name, value) in attributes {
                if !first { output.append(UInt8(ascii: ",")) }
                first = false
                appendString(name, to: &output)
                output.append(UInt8(ascii: ":"))
                appendString(value, to: &output)
            }
            output.append(UInt8(ascii: "}"))
        }
        output.append(contentsOf: "}\n".utf8)
    }

    @inline(__always)
    private static func field(_ name: StaticString, _ value: String?, _ output: inout [UInt8]) {
        guard let value else { return }
        output.append(contentsOf: #",""#.utf8)
        output.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        output.append(contentsOf: #"":"#.utf8)
        appendString(value, to: &output)
    }

    @inline(__always)
    private static func number(_ name: StaticString, _ value: Int64?, _ output: inout [UInt8]) {
        guard let value else { return }
        output.append(contentsOf: #",""#.utf8)
        output.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
        output.append(contentsOf: #"":"#.utf8)
        appendDecimal(value, to: &output)
    }

    /// Appends `text` as a JSON string (quotes, escapes for `"`, `\` and control characters).
    static func appendString(_ text: String, to output: inout [UInt8]) {
        output.append(UInt8(ascii: "\""))
        var text = text
        text.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                start = index + 1
                switch byte {
                case UInt8(ascii: "\""): output.append(contentsOf: #"\""#.utf8)
                case UInt8(ascii: "\\"): output.append(contentsOf: #"\\"#.utf8)
                case 0x0A: output.append(contentsOf: #"\n"#.utf8)
                case 0x0D: output.append(contentsOf: #"\r"#.utf8)
                case 0x09: output.append(contentsOf: #"\t"#.utf8)
                default:
                    output.append(contentsOf: #"\u00"#.utf8)
                    output.append(hexDigit(byte >> 4))
                    output.append(hexDigit(byte & 0xF))
                }
            }
            output.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        output.append(UInt8(ascii: "\""))
    }

    @inline(__always)
    private static func hexDigit(_ nibble: UInt8) -> UInt8 {
        nibble < 10 ? 48 + nibble : 87 + nibble
    }

    /// Appends `value` in decimal.
    static func appendDecimal(_ value: Int64, to output: inout [UInt8]) {
        if value < 0 { output.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            output.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index...]))
        }
    }

    /// Appends microseconds since the epoch as RFC 3339 UTC with six fraction digits.
    static func appendTimestamp(_ micros: Int64, to output: inout [UInt8]) {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = Int(micros - seconds * 1_000_000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        // Days to civil date (Howard Hinnant's algorithm).
        let shifted = days + 719_468
        let era = (shifted >= 0 ? shifted : shifted - 146_096) / 146_097
        let dayOfEra = shifted - era * 146_097
        let yearOfEra = (dayOfEra - dayOfEra / 1_460 + dayOfEra / 36_524 - dayOfEra / 146_096) / 365
        let dayOfYear = dayOfEra - (365 * yearOfEra + yearOfEra / 4 - yearOfEra / 100)
        let monthIndex = (5 * dayOfYear + 2) / 153
        let day = Int(dayOfYear - (153 * monthIndex + 2) / 5 + 1)
        let month = Int(monthIndex < 10 ? monthIndex + 3 : monthIndex - 9)
        let year = Int(yearOfEra + era * 400 + (month <= 2 ? 1 : 0))
        padded(year, 4, &output)
        output.append(UInt8(ascii: "-"))
        padded(month, 2, &output)
        output.append(UInt8(ascii: "-"))
        padded(day, 2, &output)
        output.append(UInt8(ascii: "T"))
        padded(secondOfDay / 3_600, 2, &output)
        output.append(UInt8(ascii: ":"))
        padded(secondOfDay / 60 % 60, 2, &output)
        output.append(UInt8(ascii: ":"))
        padded(secondOfDay % 60, 2, &output)
        output.append(UInt8(ascii: "."))
        padded(fraction, 6, &output)
        output.append(UInt8(ascii: "Z"))
    }

    @inline(__always)
    private static func padded(_ value: Int, _ width: Int, _ output: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var remaining = value
        while divisor > 0 {
            output.append(UInt8(truncatingIfNeeded: 48 + remaining / divisor % 10))
            remaining %= divisor
            divisor /= 10
        }
    }
}
