import JWTAuditStore

/// Redacts the string values of pseudonymised keys (`"sub"`, `"client_ip"`) in a quarantine
/// excerpt, so that a rejected line never puts a clear subject or address on disk. The excerpt is
/// not JSON to be trusted (it was rejected, maybe cut off): any `"KEY"`, optional blanks, `:`,
/// optional blanks, then a string up to its closing quote or the excerpt's end (any other value up
/// to the next `,` or `}`) is redacted.
/// A key written with escapes (`"s\u0075b"`) is not recognised; such a line is rare and odd enough
/// to be worth seeing.
enum ExcerptScrubber {
    static let redaction = Array("[pseudonymised]".utf8)

    static func redact(_ excerpt: String, keys: [PseudonymField]) -> String {
        let bytes = Array(excerpt.utf8)
        let patterns = keys.map { Array("\"\($0.name)\"".utf8) }
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var index = 0
        var changed = false
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "\""),
                let (start, end) = patterns.lazy.compactMap({ valueRange(bytes, at: index, key: $0) }).first
            {
                out.append(contentsOf: bytes[index..<start])
                out.append(contentsOf: redaction)
                index = end
                changed = true
            } else {
                out.append(bytes[index])
                index += 1
            }
        }
        return changed ? String(decoding: out, as: UTF8.self) : excerpt
    }

    /// For `key` at `start` followed by a string value: where the value's text starts (after its
    /// opening quote) and ends (at its closing quote, or the end of the bytes).
    private static func valueRange(_ bytes: [UInt8], at start: Int, key: [UInt8]) -> (Int, Int)? {
        guard bytes[start...].starts(with: key) else { return nil }
        var index = start + key.count
        func skipBlanks() {
            while index < bytes.count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
        }
        skipBlanks()
        guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { return nil }
        index += 1
        skipBlanks()
        guard index < bytes.count else { return nil }
        guard bytes[index] == UInt8(ascii: "\"") else {
            let valueStart = index
            while index < bytes.count, bytes[index] != UInt8(ascii: ","), bytes[index] != UInt8(ascii: "}") {
                index += 1
            }
            return index > valueStart ? (valueStart, index) : nil
        }
        let valueStart = index + 1
        index = valueStart
        while index < bytes.count, bytes[index] != UInt8(ascii: "\"") {
            index += bytes[index] == UInt8(ascii: "\\") ? 2 : 1
        }
        return (valueStart, min(index, bytes.count))
    }
}
