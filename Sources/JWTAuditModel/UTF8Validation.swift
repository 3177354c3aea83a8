/// Strict UTF-8 validation (RFC 3629): no overlong forms, no encoded surrogates, nothing above
/// U+10FFFF, no truncated sequences.
enum UTF8Validation {
    /// The offset of the first byte that starts (or belongs to) an invalid sequence, or nil when
    /// all `count` bytes at `base` are valid UTF-8.
    static func firstInvalidByte(_ base: UnsafePointer<UInt8>, count: Int) -> Int? {
        var index = 0
        while index < count {
            // Fast path: ASCII, 32 then 8 bytes at a time.
            while index + 32 <= count {
                let raw = UnsafeRawPointer(base + index)
                let word =
                    raw.loadUnaligned(as: UInt64.self) | raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
                    | raw.loadUnaligned(fromByteOffset: 24, as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                index += 32
            }
            while index + 8 <= count {
                let word = UnsafeRawPointer(base + index).loadUnaligned(as: UInt64.self)
                if word & 0x8080_8080_8080_8080 != 0 { break }
                index += 8
            }
            while index < count, base[index] < 0x80 { index += 1 }
            guard index < count else { return nil }
            let lead = base[index]
            let length: Int
            var low: UInt8 = 0x80
            var high: UInt8 = 0xBF
            switch lead {
            case 0xC2...0xDF: length = 2
            case 0xE0:
                length = 3
                low = 0xA0
            case 0xE1...0xEC, 0xEE...0xEF: length = 3
            case 0xED:
                length = 3
                high = 0x9F
            case 0xF0:
                length = 4
                low = 0x90
            case 0xF1...0xF3: length = 4
            case 0xF4:
                length = 4
                high = 0x8F
            default: return index
            }
            guard index + length <= count else { return index }
            let second = base[index + 1]
            guard second >= low, second <= high else { return index }
            if length > 2 {
                guard base[index + 2] & 0xC0 == 0x80 else { return index }
                if length > 3 {
                    guard base[index + 3] & 0xC0 == 0x80 else { return index }
                }
            }
            index += length
        }
        return nil
    }

    /// Whether the bytes are valid UTF-8.
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        guard let base = bytes.baseAddress else { return true }
        return firstInvalidByte(base.assumingMemoryBound(to: UInt8.self), count: bytes.count) == nil
    }
}
