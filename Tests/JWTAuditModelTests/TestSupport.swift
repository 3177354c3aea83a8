import JWTAuditModel
import Testing

/// A valid line with only the required fields, plus `extra` (which starts with a comma)
/// before the closing brace.
func eventLine(_ extra: String = "") -> String {
    #"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"auth","outcome":"accepted""# + extra + "}"
}

/// `2026-11-29T03:25:34Z` in microseconds (computed independently).
let sampleMicros: Int64 = 1_795_922_734_000_000

/// Decodes a line that must be valid.
func decoded(
    _ line: String, decoder: EventDecoder = EventDecoder(fingerprinter: nil),
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> AuditEvent {
    switch decoder.decode(line) {
    case .success(let event): return event
    case .failure(let rejection):
        Issue.record("rejected: \(rejection)", sourceLocation: sourceLocation)
        throw rejection
    }
}

/// The rejection of a line that must be rejected.
func rejection(
    _ line: String, decoder: EventDecoder = EventDecoder(fingerprinter: nil),
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> EventRejection {
    try rejection(Array(line.utf8), decoder: decoder, sourceLocation: sourceLocation)
}

/// The rejection of a line (raw bytes, possibly invalid UTF-8) that must be rejected.
func rejection(
    _ bytes: [UInt8], decoder: EventDecoder = EventDecoder(fingerprinter: nil),
    sourceLocation: SourceLocation = #_sourceLocation
) throws -> EventRejection {
    let result = bytes.withUnsafeBytes { decoder.decode($0) }
    switch result {
    case .success(let event):
        Issue.record("accepted: \(event)", sourceLocation: sourceLocation)
        throw TestFailure.unexpectedlyAccepted
    case .failure(let rejection): return rejection
    }
}

enum TestFailure: Error {
    case unexpectedlyAccepted
}

/// Unpadded base64url, written here independently of the module's own.
func base64URL(_ text: String) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    let bytes = Array(text.utf8)
    var out = ""
    var index = 0
    while index < bytes.count {
        let chunk = bytes[index..<min(index + 3, bytes.count)]
        var value = 0
        for byte in chunk { value = value << 8 | Int(byte) }
        value <<= 8 * (3 - chunk.count)
        for position in 0..<(chunk.count + 1) {
            out.append(alphabet[(value >> (18 - 6 * position)) & 0x3F])
        }
        index += 3
    }
    return out
}

/// A compact JWS with the given header and claims JSON and a fake signature.
func makeToken(header: String, claims: String, signature: String = "c2lnbmF0dXJl") -> String {
    "\(base64URL(header)).\(base64URL(claims)).\(signature)"
}
