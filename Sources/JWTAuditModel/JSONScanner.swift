/// A string value found by ``JSONScanner``: the bytes between its quotes, still escaped.
struct JSONStringToken {
    /// Offset of the first content byte (after the opening quote).
    var start: Int
    /// Offset of the closing quote.
    var end: Int
    /// Whether the content holds a backslash escape (then it must be unescaped before use).
    var hasEscapes: Bool

    var rawCount: Int { end - start }
}

/// A number found by ``JSONScanner``, with its integer value when it has one.
struct JSONNumberToken {
    var start: Int
    var end: Int
    /// No fraction and no exponent.
    var isInteger: Bool
    var negative: Bool
    /// The absolute value of the integer part; meaningful only when `overflow` is false.
    var magnitude: UInt64
    /// The integer part does not fit in 64 bits.
    var overflow: Bool

    /// The value as an `Int64`, when the number is an integer that fits.
    var int64: Int64? {
        guard isInteger, !overflow else { return nil }
        if negative {
            guard magnitude <= UInt64(Int64.max) + 1 else { return nil }
            return Int64(bitPattern: 0 &- magnitude)
        }
        guard magnitude <= UInt64(Int64.max) else { return nil }
        return Int64(magnitude)
    }

    /// The integer part (fraction truncated) when there is no exponent and it fits in `Int64`.
    var truncatedInt64: Int64? {
        var copy = self
        copy.isInteger = true
        return copy.int64
    }
}

/// Where a value sends the compact text of the values it scans.
protocol JSONSink {
    mutating func append(_ byte: UInt8)
    mutating func append(_ bytes: UnsafePointer<UInt8>, count: Int)
}

/// Discards everything: plain validation and skipping.
struct DiscardingSink: JSONSink {
    @inline(__always) mutating func append(_ byte: UInt8) {}
    @inline(__always) mutating func append(_ bytes: UnsafePointer<UInt8>, count: Int) {}
}

/// Collects compact JSON text.
struct BytesSink: JSONSink {
    var bytes: [UInt8] = []

    mutating func append(_ byte: UInt8) { bytes.append(byte) }
    mutating func append(_ bytes: UnsafePointer<UInt8>, count: Int) {
        self.bytes.append(contentsOf: UnsafeBufferPointer(start: bytes, count: count))
    }
}

/// A byte-level JSON scanner over one buffer, purpose-built for the event decoder, the hello
/// parser and a token's header and claims.
///
/// The caller validates UTF-8 first (``UTF8Validation``), so the scanner only looks at ASCII
/// structure. It never reads outside `0..<count`. Errors are `invalid_json` rejections whose
/// message names what was expected and the byte offset; they never quote the input.
struct JSONScanner {
    let base: UnsafePointer<UInt8>
    let count: Int
    var position: Int

    init(base: UnsafePointer<UInt8>, count: Int) {
        self.base = base
        self.count = count
        position = 0
    }

    // MARK: Basics

    /// The byte at the current position, or nil at the end.
    @inline(__always)
    var current: UInt8? { position < count ? base[position] : nil }

    @inline(__always)
    var isAtEnd: Bool { position >= count }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            switch base[position] {
            case 0x20, 0x0A, 0x0D, 0x09: position += 1
            default: return
            }
        }
    }

    /// An `invalid_json` rejection at the current position.
    @inline(never)
    func syntaxError(_ what: String) -> EventRejection {
        EventRejection(.invalidJSON, "\(what) at offset \(position)")
    }

    /// An `invalid_json` rejection for the unexpected byte (or end) at the current position.
    @inline(never)
    func unexpected(expecting what: String) -> EventRejection {
        if isAtEnd { return EventRejection(.invalidJSON, "unexpected end of line, expected \(what)") }
        return syntaxError("expected \(what)")
    }

    /// Consumes `byte` (after optional whitespace) or throws.
    @inline(__always)
    /// After an object member: consumes `,` (true: another member follows) or `}` (false).
    mutating func finishMember() throws(EventRejection) -> Bool {
        skipWhitespace()
        guard let next = current, next == UInt8(ascii: ",") || next == UInt8(ascii: "}") else {
            throw unexpected(expecting: "',' or '}'")
        }
        position += 1
        guard next == UInt8(ascii: ",") else { return false }
        skipWhitespace()
        return true
    }

    mutating func expect(_ byte: UInt8, _ what: String) throws(EventRejection) {
        skipWhitespace()
        guard position < count, base[position] == byte else { throw unexpected(expecting: what) }
        position += 1
    }

    // MARK: Strings

    /// Scans a string whose opening quote is at the current position, checking escapes,
    /// control characters and surrogate pairs, and moves past the closing quote.
    @inline(__always)
    mutating func scanString() throws(EventRejection) -> JSONStringToken {
        position += 1
        let start = position
        var hasEscapes = false
        while true {
            if position + 8 <= count {
                // Eight bytes at a time; the lowest flagged byte is the first special one.
                let word = UnsafeRawPointer(base + position).loadUnaligned(as: UInt64.self)
                let mask = Self.specialByteMask(word)
                if mask == 0 {
                    position += 8
                    continue
                }
                position += mask.trailingZeroBitCount >> 3
            } else if position >= count {
                throw EventRejection(.invalidJSON, "unterminated string")
            }
            let byte = base[position]
            if byte == UInt8(ascii: "\"") {
                let token = JSONStringToken(start: start, end: position, hasEscapes: hasEscapes)
                position += 1
                return token
            } else if byte == UInt8(ascii: "\\") {
                hasEscapes = true
                try scanEscape()
            } else if byte < 0x20 {
                throw syntaxError("unescaped control character in string")
            } else {
                position += 1
            }
        }
    }

    /// A mask whose lowest set bit is the high bit of the first byte of `word` (in memory order)
    /// that is a `"`, a `\` or below 0x20; zero when there is none. (SWAR: a borrow only
    /// propagates upwards from a flagged byte, so higher bits may be false alarms but the lowest
    /// one is exact; bytes ≥ 0x80 are never flagged.)
    @inline(__always)
    static func specialByteMask(_ word: UInt64) -> UInt64 {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highs: UInt64 = 0x8080_8080_8080_8080
        let quotes = word ^ (ones &* 0x22)
        let backslashes = word ^ (ones &* 0x5C)
        let hasQuote = (quotes &- ones) & ~quotes
        let hasBackslash = (backslashes &- ones) & ~backslashes
        let hasControl = (word &- ones &* 0x20) & ~word
        return (hasQuote | hasBackslash | hasControl) & highs
    }

    /// Checks the escape at the current position (a backslash) and moves past it.
    private mutating func scanEscape() throws(EventRejection) {
        guard position + 1 < count else { throw EventRejection(.invalidJSON, "unterminated string") }
        switch base[position + 1] {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"),
            UInt8(ascii: "f"), UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
            position += 2
        case UInt8(ascii: "u"):
            guard let unit = hex4(at: position + 2) else { throw syntaxError("bad \\u escape") }
            switch unit {
            case 0xD800...0xDBFF:
                guard position + 12 <= count, base[position + 6] == UInt8(ascii: "\\"),
                    base[position + 7] == UInt8(ascii: "u"), let low = hex4(at: position + 8),
                    (0xDC00...0xDFFF).contains(low)
                else { throw syntaxError("unpaired high surrogate escape") }
                position += 12
            case 0xDC00...0xDFFF:
                throw syntaxError("unpaired low surrogate escape")
            default:
                position += 6
            }
        default:
            throw syntaxError("bad escape in string")
        }
    }

    /// The four hex digits at `offset` as a UTF-16 code unit, or nil.
    @inline(__always)
    func hex4(at offset: Int) -> UInt32? {
        guard offset + 4 <= count else { return nil }
        var value: UInt32 = 0
        for index in offset..<offset + 4 {
            let byte = base[index]
            let digit: UInt8
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte &- UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte &- UInt8(ascii: "a") &+ 10
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte &- UInt8(ascii: "A") &+ 10
            default: return nil
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    /// Appends the unescaped UTF-8 content of a string that ``scanString()`` accepted.
    func unescape(_ token: JSONStringToken, into out: inout [UInt8]) {
        var index = token.start
        out.reserveCapacity(out.count + token.rawCount)
        while index < token.end {
            let byte = base[index]
            guard byte == UInt8(ascii: "\\") else {
                out.append(byte)
                index += 1
                continue
            }
            let kind = base[index + 1]
            switch kind {
            case UInt8(ascii: "b"): out.append(0x08)
            case UInt8(ascii: "f"): out.append(0x0C)
            case UInt8(ascii: "n"): out.append(0x0A)
            case UInt8(ascii: "r"): out.append(0x0D)
            case UInt8(ascii: "t"): out.append(0x09)
            case UInt8(ascii: "u"):
                var scalar = hex4(at: index + 2)!
                if (0xD800...0xDBFF).contains(scalar) {
                    let low = hex4(at: index + 8)!
                    scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
                    index += 6
                }
                Self.appendUTF8(scalar, to: &out)
                index += 6
                continue
            default: out.append(kind)  // " \ /
            }
            index += 2
        }
    }

    static func appendUTF8(_ scalar: UInt32, to out: inout [UInt8]) {
        switch scalar {
        case 0..<0x80:
            out.append(UInt8(scalar))
        case 0x80..<0x800:
            out.append(UInt8(0xC0 | scalar >> 6))
            out.append(UInt8(0x80 | scalar & 0x3F))
        case 0x800..<0x10000:
            out.append(UInt8(0xE0 | scalar >> 12))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        default:
            out.append(UInt8(0xF0 | scalar >> 18))
            out.append(UInt8(0x80 | scalar >> 12 & 0x3F))
            out.append(UInt8(0x80 | scalar >> 6 & 0x3F))
            out.append(UInt8(0x80 | scalar & 0x3F))
        }
    }

    /// Calls `body` with the unescaped content of `token` (the line's own bytes when it has no
    /// escapes, so the common case copies nothing).
    @inline(__always)
    func withContent<R>(_ token: JSONStringToken, _ body: (UnsafeRawBufferPointer) -> R) -> R {
        if !token.hasEscapes {
            return body(UnsafeRawBufferPointer(start: base + token.start, count: token.rawCount))
        }
        var buffer: [UInt8] = []
        unescape(token, into: &buffer)
        return buffer.withUnsafeBytes(body)
    }

    /// The unescaped content of `token` as a String.
    @inline(__always)
    func string(_ token: JSONStringToken) -> String {
        if !token.hasEscapes {
            return String(
                decoding: UnsafeBufferPointer(start: base + token.start, count: token.rawCount), as: UTF8.self)
        }
        var buffer: [UInt8] = []
        unescape(token, into: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// The byte count of the unescaped content of `token`.
    func unescapedCount(_ token: JSONStringToken) -> Int {
        guard token.hasEscapes else { return token.rawCount }
        var buffer: [UInt8] = []
        unescape(token, into: &buffer)
        return buffer.count
    }

    /// Scans a string (opening quote at the current position) that is an object key, and packs
    /// it for matching. Short keys without escapes, the common case, take one pass over a few
    /// words; everything else goes through ``scanString()`` and ``packedKey(_:)``.
    @inline(__always)
    mutating func scanKey(_ key: inout PackedKey) throws(EventRejection) -> JSONStringToken {
        if let token = scanShortKey(&key) { return token }
        let token = try scanString()
        key = packedKey(token)
        return token
    }

    /// The fast path of ``scanKey(_:)``: a key of at most 23 bytes without escapes, with 24
    /// readable bytes after its opening quote. Returns nil (position unchanged) otherwise.
    @inline(__always)
    mutating func scanShortKey(_ key: inout PackedKey) -> JSONStringToken? {
        let start = position &+ 1
        guard start &+ 24 <= count else { return nil }
        // Find the closing quote word by word; only the word holding it needs masking, the
        // words before it are whole and the ones after it stay zero.
        let raw = UnsafeRawPointer(base + start)
        var word = raw.loadUnaligned(as: UInt64.self)
        var mask = Self.specialByteMask(word)
        var offset = 0
        if mask == 0 {
            key.w0 = word
            word = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
            mask = Self.specialByteMask(word)
            offset = 8
            if mask == 0 {
                key.w1 = word
                word = raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
                mask = Self.specialByteMask(word)
                offset = 16
                if mask == 0 { return nil }
            }
        }
        let index = mask.trailingZeroBitCount &>> 3
        let length = offset &+ index
        guard base[start &+ length] == UInt8(ascii: "\"") else { return nil }
        let kept = index == 0 ? 0 : word & (~UInt64(0) &>> UInt64(64 &- index &* 8))
        switch offset {
        case 0: key.w0 = kept
        case 8: key.w1 = kept
        default: key.w2 = kept
        }
        key.length = length
        position = start &+ length &+ 1
        return JSONStringToken(start: start, end: start &+ length, hasEscapes: false)
    }

    /// The packed form of a string's unescaped content, for matching against known names.
    @inline(__always)
    func packedKey(_ token: JSONStringToken) -> PackedKey {
        if !token.hasEscapes {
            let length = token.rawCount
            // Whole-word loads when the buffer has the bytes (it nearly always does: a key is
            // followed by at least `":` and a value).
            if length <= 24, token.start + 24 <= count {
                return PackedKey(loading: base + token.start, count: length)
            }
            return PackedKey(base + token.start, count: length)
        }
        return withContent(token) { bytes in
            PackedKey(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), count: bytes.count)
        }
    }

    // MARK: Numbers and literals

    /// Scans a number starting at the current position (a `-` or a digit) and moves past it.
    @inline(__always)
    mutating func scanNumber() throws(EventRejection) -> JSONNumberToken {
        let start = position
        var negative = false
        if base[position] == UInt8(ascii: "-") {
            negative = true
            position += 1
        }
        guard position < count, base[position] &- UInt8(ascii: "0") < 10 else {
            throw unexpected(expecting: "a digit")
        }
        var magnitude: UInt64 = 0
        var overflow = false
        if base[position] == UInt8(ascii: "0") {
            position += 1
            if position < count, base[position] &- UInt8(ascii: "0") < 10 {
                throw syntaxError("leading zero in number")
            }
        } else {
            // Up to 19 digits cannot overflow a UInt64; check only beyond.
            let start = position
            while position < count {
                let digit = base[position] &- UInt8(ascii: "0")
                guard digit < 10 else { break }
                if position - start < 19 {
                    magnitude = magnitude &* 10 &+ UInt64(digit)
                } else {
                    let (times10, o1) = magnitude.multipliedReportingOverflow(by: 10)
                    let (sum, o2) = times10.addingReportingOverflow(UInt64(digit))
                    overflow = overflow || o1 || o2
                    magnitude = sum
                }
                position += 1
            }
        }
        var isInteger = true
        if position < count, base[position] == UInt8(ascii: ".") {
            isInteger = false
            position += 1
            guard position < count, base[position] &- UInt8(ascii: "0") < 10 else {
                throw unexpected(expecting: "a digit after the decimal point")
            }
            while position < count, base[position] &- UInt8(ascii: "0") < 10 { position += 1 }
        }
        var hasExponent = false
        if position < count, base[position] | 0x20 == UInt8(ascii: "e") {
            isInteger = false
            hasExponent = true
            position += 1
            if position < count, base[position] == UInt8(ascii: "+") || base[position] == UInt8(ascii: "-") {
                position += 1
            }
            guard position < count, base[position] &- UInt8(ascii: "0") < 10 else {
                throw unexpected(expecting: "a digit in the exponent")
            }
            while position < count, base[position] &- UInt8(ascii: "0") < 10 { position += 1 }
        }
        return JSONNumberToken(
            start: start, end: position, isInteger: isInteger, negative: negative, magnitude: magnitude,
            overflow: overflow || hasExponent)
    }

    /// Scans `true`, `false` or `null` at the current position; returns the literal's first byte.
    @inline(__always)
    mutating func scanLiteral() throws(EventRejection) -> UInt8 {
        let first = base[position]
        let word: [UInt8]
        switch first {
        case UInt8(ascii: "t"): word = Self.trueBytes
        case UInt8(ascii: "f"): word = Self.falseBytes
        default: word = Self.nullBytes
        }
        guard position + word.count <= count else { throw EventRejection(.invalidJSON, "unexpected end of line") }
        for index in 0..<word.count where base[position + index] != word[index] {
            throw syntaxError("invalid literal")
        }
        position += word.count
        return first
    }

    private static let trueBytes: [UInt8] = Array("true".utf8)
    private static let falseBytes: [UInt8] = Array("false".utf8)
    private static let nullBytes: [UInt8] = Array("null".utf8)

    /// Consumes `null` if it is the next value (after whitespace).
    @inline(__always)
    mutating func consumeNull() -> Bool {
        guard position + 4 <= count, base[position] == UInt8(ascii: "n"), base[position + 1] == UInt8(ascii: "u"),
            base[position + 2] == UInt8(ascii: "l"), base[position + 3] == UInt8(ascii: "l")
        else { return false }
        position += 4
        return true
    }

    // MARK: Any value

    /// Scans one value of any type at the current position (after optional whitespace), without
    /// recursion, appending its compact text to `sink` (strings and numbers exactly as written,
    /// whitespace between tokens dropped). Returns the deepest nesting of arrays and objects
    /// (0 for a scalar). Keys of nested objects are not checked for duplicates.
    mutating func scanValue<Sink: JSONSink>(into sink: inout Sink) throws(EventRejection) -> Int {
        var containers: [Bool] = []  // true: object, false: array
        var deepest = 0
        skipWhitespace()
        valueLoop: while true {
            guard position < count else { throw unexpected(expecting: "a value") }
            let byte = base[position]
            switch byte {
            case UInt8(ascii: "{"), UInt8(ascii: "["):
                let isObject = byte == UInt8(ascii: "{")
                let close = isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")
                sink.append(byte)
                position += 1
                containers.append(isObject)
                deepest = max(deepest, containers.count)
                skipWhitespace()
                if position < count, base[position] == close {
                    sink.append(close)
                    position += 1
                    containers.removeLast()
                } else {
                    if isObject { try scanMemberKey(into: &sink) }
                    continue valueLoop
                }
            case UInt8(ascii: "\""):
                let token = try scanString()
                sink.append(base + token.start - 1, count: token.rawCount + 2)
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                let number = try scanNumber()
                sink.append(base + number.start, count: number.end - number.start)
            case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
                let start = position
                _ = try scanLiteral()
                sink.append(base + start, count: position - start)
            default:
                throw unexpected(expecting: "a value")
            }
            // After a complete value: close containers or move to the next element.
            while let isObject = containers.last {
                skipWhitespace()
                guard position < count else { throw unexpected(expecting: isObject ? "',' or '}'" : "',' or ']'") }
                let next = base[position]
                if next == UInt8(ascii: ",") {
                    sink.append(next)
                    position += 1
                    skipWhitespace()
                    if isObject { try scanMemberKey(into: &sink) }
                    continue valueLoop
                } else if next == (isObject ? UInt8(ascii: "}") : UInt8(ascii: "]")) {
                    sink.append(next)
                    position += 1
                    containers.removeLast()
                } else {
                    throw unexpected(expecting: isObject ? "',' or '}'" : "',' or ']'")
                }
            }
            return deepest
        }
    }

    /// Scans `"key":` inside an object being copied, leaving the position before the value.
    private mutating func scanMemberKey<Sink: JSONSink>(into sink: inout Sink) throws(EventRejection) {
        guard position < count, base[position] == UInt8(ascii: "\"") else { throw unexpected(expecting: "a key") }
        let key = try scanString()
        sink.append(base + key.start - 1, count: key.rawCount + 2)
        try expect(UInt8(ascii: ":"), "':'")
        sink.append(UInt8(ascii: ":"))
        skipWhitespace()
    }

    /// Skips one value of any type.
    @inline(__always)
    mutating func skipValue() throws(EventRejection) {
        var sink = DiscardingSink()
        _ = try scanValue(into: &sink)
    }
}
