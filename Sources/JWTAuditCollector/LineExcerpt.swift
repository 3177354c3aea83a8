/// The first bytes of a rejected line as kept in the quarantine: at most `maxBytes`, invalid
/// UTF-8 replaced, the value of a `"token"` member and anything shaped like a JWT (`eyJ…`
/// segments) redacted, so that a rejected line never puts a raw token on disk.
enum LineExcerpt {
    static let maxBytes = 256
    private static let redaction = Array("[redacted-jwt]".utf8)
    private static let tokenRedaction = Array("[redacted-token]".utf8)
    private static let tokenKey = Array("\"token\"".utf8)

    static func make(_ line: UnsafeRawBufferPointer) -> String {
        let bytes = Array(line.prefix(maxBytes * 4))
        var out: [UInt8] = []
        out.reserveCapacity(min(bytes.count, maxBytes))
        var index = 0
        while index < bytes.count && out.count < maxBytes {
            if let (valueStart, valueEnd) = tokenValue(bytes, from: index) {
                out.append(contentsOf: bytes[index..<valueStart])
                out.append(contentsOf: tokenRedaction)
                index = valueEnd
            } else if let end = jwtEnd(bytes, from: index) {
                out.append(contentsOf: redaction)
                index = end
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// For a `"token"` key at `start` followed by a string value: where the value's text starts
    /// (after its opening quote) and ends (at its closing quote, or the end of the bytes).
    private static func tokenValue(_ bytes: [UInt8], from start: Int) -> (Int, Int)? {
        guard bytes[start...].starts(with: tokenKey) else { return nil }
        var index = start + tokenKey.count
        func skipBlanks() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        }
        skipBlanks()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        skipBlanks()
        guard index < bytes.count, bytes[index] == UInt8(ascii: "\"") else { return nil }
        let valueStart = index + 1
        index = valueStart
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        return (valueStart, min(index, bytes.count))
    }

    /// Where a JWT-shaped run starting at `start` ends: `eyJ` then base64url with a dot, or nil.
    private static func jwtEnd(_ bytes: [UInt8], from start: Int) -> Int? {
        guard start + 3 <= bytes.count, bytes[start] == UInt8(ascii: "e"), bytes[start + 1] == UInt8(ascii: "y"),
            bytes[start + 2] == UInt8(ascii: "J")
        else { return nil }
        var index = start
        var dots = 0
        while index < bytes.count, isTokenByte(bytes[index]) {
            if bytes[index] == UInt8(ascii: ".") { dots += 1 }
            index += 1
        }
        return dots >= 1 || index == bytes.count ? index : nil
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
            UInt8(ascii: "="):
            true
        default: false
        }
    }
}
