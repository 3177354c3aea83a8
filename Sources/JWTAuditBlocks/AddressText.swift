/// Canonical IP address text and its binary form, for the `client_ip` dictionary.
///
/// An address is stored in binary only when rendering the binary gives back exactly the text
/// (IPv4 dotted decimal without leading zeros; IPv6 in RFC 5952 form: lowercase, no leading
/// zeros, the longest run of two or more zero groups as `::`). Anything else (upper case,
/// embedded IPv4, zone ids, not an address at all) stays text, so storage is always lossless.
enum AddressText {
    /// The four bytes of a canonical IPv4 address.
    static func parseIPv4(_ text: UnsafeRawBufferPointer) -> (UInt8, UInt8, UInt8, UInt8)? {
        guard text.count >= 7 && text.count <= 15 else { return nil }
        var octets: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)
        var index = 0
        for part in 0..<4 {
            if part > 0 {
                guard index < text.count, text[index] == UInt8(ascii: ".") else { return nil }
                index += 1
            }
            let start = index
            var value = 0
            while index < text.count, text[index] >= UInt8(ascii: "0"), text[index] <= UInt8(ascii: "9") {
                value = value * 10 + Int(text[index] - UInt8(ascii: "0"))
                index += 1
                guard index - start <= 3 else { return nil }
            }
            let digits = index - start
            guard digits > 0, value <= 255, digits == 1 || text[start] != UInt8(ascii: "0") else { return nil }
            switch part {
            case 0: octets.0 = UInt8(value)
            case 1: octets.1 = UInt8(value)
            case 2: octets.2 = UInt8(value)
            default: octets.3 = UInt8(value)
            }
        }
        return index == text.count ? octets : nil
    }

    /// The sixteen bytes of an IPv6 address whose text is in canonical (RFC 5952) form.
    static func parseIPv6(_ text: UnsafeRawBufferPointer) -> [UInt16]? {
        guard text.count >= 2 && text.count <= 39 else { return nil }
        var groups: [UInt16] = []
        groups.reserveCapacity(8)
        var gap: Int? = nil
        var index = 0
        if text.count >= 2 && text[0] == UInt8(ascii: ":") && text[1] == UInt8(ascii: ":") {
            gap = 0
            index = 2
        }
        while index < text.count {
            var value: UInt16 = 0
            var digits = 0
            while index < text.count, let digit = hexValue(text[index]) {
                guard digits < 4 else { return nil }
                value = value << 4 | UInt16(digit)
                digits += 1
                index += 1
            }
            guard digits > 0 else { return nil }
            groups.append(value)
            guard index < text.count else { break }
            guard text[index] == UInt8(ascii: ":"), index + 1 < text.count else { return nil }
            index += 1
            if text[index] == UInt8(ascii: ":") {
                guard gap == nil else { return nil }
                gap = groups.count
                index += 1
            }
        }
        if let gap {
            guard groups.count <= 6 else { return nil }
            groups.insert(contentsOf: repeatElement(0, count: 8 - groups.count), at: gap)
        }
        guard groups.count == 8 else { return nil }
        // Only the canonical text of these groups is stored in binary.
        let canonical = renderIPv6(groups)
        guard canonical.count == text.count, zip(canonical, text).allSatisfy({ $0 == $1 }) else { return nil }
        return groups
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: nil
        }
    }

    static func renderIPv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(15)
        for (index, octet) in [a, b, c, d].enumerated() {
            if index > 0 { out.append(UInt8(ascii: ".")) }
            if octet >= 100 { out.append(UInt8(ascii: "0") + octet / 100) }
            if octet >= 10 { out.append(UInt8(ascii: "0") + octet / 10 % 10) }
            out.append(UInt8(ascii: "0") + octet % 10)
        }
        return out
    }

    /// RFC 5952 text of eight groups.
    static func renderIPv6(_ groups: [UInt16]) -> [UInt8] {
        // The longest run of two or more zero groups (the first of equals) becomes "::".
        var bestStart = -1
        var bestLength = 1
        var runStart = -1
        for index in 0...8 {
            if index < 8 && groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength {
                    bestStart = runStart
                    bestLength = index - runStart
                }
                runStart = -1
            }
        }
        let digits = Array("0123456789abcdef".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(39)
        var index = 0
        while index < 8 {
            if index == bestStart {
                out.append(UInt8(ascii: ":"))
                out.append(UInt8(ascii: ":"))
                index += bestLength
                continue
            }
            if index > 0 && out.last != UInt8(ascii: ":") { out.append(UInt8(ascii: ":")) }
            let group = groups[index]
            var started = false
            for shift in stride(from: 12, through: 0, by: -4) {
                let digit = Int(group >> UInt16(shift) & 0xF)
                if digit != 0 || started || shift == 0 {
                    out.append(digits[digit])
                    started = true
                }
            }
            index += 1
        }
        return out
    }
}
