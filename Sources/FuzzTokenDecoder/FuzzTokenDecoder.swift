// libFuzzer target: a raw JWT in an event's `token` field, read by the event decoder (header and
// claims without verification, then fingerprinted and dropped).
//
// Built by Fuzz/run with `--sanitize=fuzzer` and `-DJWTAUDIT_FUZZING` (libFuzzer supplies main).
// In a normal build, Replay.swift is the main.
//
// Input: a mode byte, then the rest. Mode bit 0 clear: the rest is the token text, as is. Bit 0
// set: the rest is `header \n claims \n signature`; header and claims are base64url-encoded
// here, so the fuzzer works on their JSON directly; bit 1 set makes it a five-segment JWE.
//
// What must hold for every token: the line is accepted (a token never rejects an event unless
// it is over the string limit), `token_fp` is the token's fingerprint, no stored field holds
// the raw token, nothing read from it is over the string limit, and a JWE fills no claims.
import JWTAuditCrypto
import JWTAuditModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzTokenDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard let mode = input.first else { return 0 }
    let rest = input.dropFirst()
    let isJWE = mode & 3 == 3
    var token: [UInt8]
    if mode & 1 == 0 {
        token = Array(rest)
    } else {
        let parts = rest.split(separator: UInt8(ascii: "\n"), maxSplits: 2, omittingEmptySubsequences: false)
        token = Array(base64URL(parts[0]).utf8)
        token.append(UInt8(ascii: "."))
        token.append(contentsOf: base64URL(parts.count > 1 ? Array(parts[1]) : []).utf8)
        token.append(UInt8(ascii: "."))
        if parts.count > 2 { token.append(contentsOf: parts[2]) }
        if isJWE { token.append(contentsOf: Array(".iv.tag".utf8)) }
    }
    guard let text = String(validating: token, as: UTF8.self) else { return 0 }

    var line = Array(#"{"v":1,"ts":"2026-01-01T00:00:00Z","service":"fuzz","outcome":"accepted","token":"#.utf8)
    EventJSON.appendEscaped(text, to: &line)
    line.append(UInt8(ascii: "}"))
    let fingerprinter = TokenFingerprinter(secret: Array(repeating: 7, count: 32))
    let decoder = EventDecoder(fingerprinter: fingerprinter)
    let result = line.withUnsafeBytes { decoder.decode($0) }
    let limit = decoder.limits.maxStringBytes
    guard case .success(let event) = result else {
        precondition(token.count > limit, "a token within the limits rejected the event: \(result)")
        return 0
    }
    precondition(token.count <= limit, "a token over the limit was accepted")
    precondition(event.tokenFingerprint == fingerprinter.fingerprint(text), "token_fp is not the token's fingerprint")

    var read = [event.issuer, event.subject, event.tokenID, event.algorithm, event.keyID, event.type, event.scope]
    read += [event.clientID, event.tenant, event.jwkSetURL, event.x509URL]
    switch event.audience {
    case .single(let value): read.append(value)
    case .list(let values): read += values
    case nil: break
    }
    for value in read.compactMap({ $0 }) + Array(event.attributes.keys) + Array(event.attributes.values) {
        precondition(value.utf8.count <= limit, "a value read from the token is over the string limit")
        precondition(token.count < 16 || !value.utf8.contains(text.utf8), "the raw token is kept in the event")
    }
    if isJWE {
        let noClaims = event.issuer == nil && event.subject == nil && event.tokenID == nil && event.audience == nil
        precondition(noClaims && event.expiresAt == nil, "a JWE's encrypted claims were read")
    }
    return 0
}

/// Unpadded base64url (RFC 4648 section 5).
func base64URL(_ bytes: some Collection<UInt8>) -> String {
    let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
    var out: [UInt8] = []
    var accumulator: UInt32 = 0
    var bits: UInt32 = 0
    for byte in bytes {
        accumulator = accumulator << 8 | UInt32(byte)
        bits += 8
        while bits >= 6 {
            bits -= 6
            out.append(alphabet[Int(accumulator >> bits & 0x3F)])
        }
        accumulator &= (1 << bits) - 1
    }
    if bits > 0 { out.append(alphabet[Int(accumulator << (6 - bits) & 0x3F)]) }
    return String(decoding: out, as: UTF8.self)
}
