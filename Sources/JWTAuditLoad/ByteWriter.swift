import JWTAuditModel
/// Appends JSON text to a byte array without going through `String`: the generator's hot path.
struct ByteWriter {
    var bytes: [UInt8]

    init(capacity: Int) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    @inline(__always)
    mutating func append(_ text: StaticString) {
        bytes.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    @inline(__always)
    mutating func append(_ other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    @inline(__always)
    mutating func append(_ other: ArraySlice<UInt8>) {
        bytes.append(contentsOf: other)
    }

    @inline(__always)
    mutating func append(byte: UInt8) {
        bytes.append(byte)
    }

    /// Appends `value` in decimal.
    mutating func appendDecimal(_ value: Int64) {
        var magnitude = value.magnitude
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            var index = buffer.count
            repeat {
                index -= 1
                buffer[index] = UInt8(truncatingIfNeeded: 48 + magnitude % 10)
                magnitude /= 10
            } while magnitude > 0
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[index...]))
        }
    }

    /// Appends the bytes of `span` in `table`.
    @inline(__always)
    mutating func append(_ span: Span, from table: UnsafeBufferPointer<UInt8>) {
        bytes.append(
            contentsOf: UnsafeBufferPointer(rebasing: table[Int(span.start)..<Int(span.start) + Int(span.count)])
        )
    }

    @inline(__always)
    mutating func appendDecimal(_ value: Int) {
        appendDecimal(Int64(value))
    }

    /// Appends a non-negative `value` with exactly `width` digits (zero-padded, truncated above;
    /// `width` at most 16).
    mutating func appendPadded(_ value: Int, width: Int) {
        var remaining = value
        var digits: (UInt64, UInt64) = (0, 0)
        withUnsafeMutableBytes(of: &digits) { buffer in
            for index in stride(from: width - 1, through: 0, by: -1) {
                buffer[index] = UInt8(truncatingIfNeeded: 48 + remaining % 10)
                remaining /= 10
            }
            bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[0..<width]))
        }
    }

    /// Appends lowercase hex of the low `digits` nibbles of `value`.
    mutating func appendHex(_ value: UInt64, digits: Int) {
        for shift in stride(from: (digits - 1) * 4, through: 0, by: -4) {
            bytes.append(ByteWriter.hexDigits[Int((value >> UInt64(shift)) & 0xF)])
        }
    }

    /// Appends the 22-character unpadded base64url text of the 16 bytes `high` ‖ `low`
    /// (big-endian), the form of a random 128-bit `jti`.
    mutating func appendBase64URL(high: UInt64, low: UInt64) {
        // 128 bits = 21 groups of 6 bits + 2 bits (the last character then carries 4 zero bits).
        for index in 0..<21 {
            let bitOffset = index * 6
            let sextet: UInt64
            if bitOffset + 6 <= 64 {
                sextet = (high >> UInt64(58 - bitOffset)) & 0x3F
            } else if bitOffset >= 64 {
                sextet = (low >> UInt64(122 - bitOffset)) & 0x3F
            } else {
                // Straddles the two words: 64 - bitOffset bits from high, the rest from low.
                let fromHigh = 64 - bitOffset
                sextet = ((high << UInt64(6 - fromHigh)) | (low >> UInt64(58 + fromHigh))) & 0x3F
            }
            bytes.append(ByteWriter.base64URLDigits[Int(sextet)])
        }
        bytes.append(ByteWriter.base64URLDigits[Int((low & 0x3) << 4)])
    }

    /// Appends `text` as a quoted JSON string, escaping what JSON requires.
    mutating func appendJSONString(_ text: String) {
        bytes.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): append("\\\"")
            case UInt8(ascii: "\\"): append("\\\\")
            case UInt8(ascii: "\n"): append("\\n")
            case UInt8(ascii: "\r"): append("\\r")
            case UInt8(ascii: "\t"): append("\\t")
            case 0..<0x20:
                append("\\u00")
                appendHex(UInt64(byte), digits: 2)
            default: bytes.append(byte)
            }
        }
        bytes.append(UInt8(ascii: "\""))
    }

    /// Appends the RFC 3339 UTC text of `micros` (microseconds since the epoch).
    mutating func appendTimestamp(micros: Int64, style: RFC3339.Style) {
        let seconds = micros >= 0 ? micros / 1_000_000 : (micros - 999_999) / 1_000_000
        let fraction = Int(micros - seconds * 1_000_000)
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = Int(seconds - days * 86_400)
        let date = Timestamp.civilFromDays(Int64(days))
        appendPadded(Int(date.year), width: 4)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(Int(date.month), width: 2)
        bytes.append(UInt8(ascii: "-"))
        appendPadded(Int(date.day), width: 2)
        bytes.append(UInt8(ascii: "T"))
        appendPadded(secondOfDay / 3600, width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendPadded(secondOfDay / 60 % 60, width: 2)
        bytes.append(UInt8(ascii: ":"))
        appendPadded(secondOfDay % 60, width: 2)
        switch style {
        case .microseconds:
            bytes.append(UInt8(ascii: "."))
            appendPadded(fraction, width: 6)
            bytes.append(UInt8(ascii: "Z"))
        case .milliseconds:
            bytes.append(UInt8(ascii: "."))
            appendPadded(fraction / 1000, width: 3)
            bytes.append(UInt8(ascii: "Z"))
        case .secondsWithOffset:
            append("+00:00")
        }
    }

    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)
    static let base64URLDigits: [UInt8] = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)

    /// `text` as quoted JSON string bytes.
    static func jsonString(_ text: String) -> [UInt8] {
        var writer = ByteWriter(capacity: text.utf8.count + 2)
        writer.appendJSONString(text)
        return writer.bytes
    }
}
