/// Writes an ``AuditEvent`` as one compact JSON object in wire form (no newline).
///
/// Fields come in a fixed order, `nil` fields are left out: `v` (always 1), `ts`, `service`,
/// `kind`, `outcome`, `reason`, `token_type`, `iss`, `sub`, `jti`, `alg`, `kid`, `typ`, `scope`,
/// `client_id`, `tenant`, `aud`, `exp`, `iat`, `nbf`, `client_ip`, `user_agent`, `family`,
/// `parent_jti`, `latency_us`, `jku`, `x5u`, `seq`, `token_fp`, `attrs` (keys sorted, left out
/// when empty), then the collector's fields `received_at`, `peer_uid`, `peer_gid`, `peer_pid`
/// (all four left out when ``AuditEvent/receivedAt`` is 0, the mark of an event that never went
/// through a collector) and `producer` (when set).
///
/// Strings escape `"`, `\`, control characters (as `\u00XX`) and U+2028/U+2029, so the output
/// is always one line that is also valid JavaScript; other Unicode stays UTF-8.
public enum EventJSON {
    /// The event as one line of compact JSON.
    public static func encode(_ event: AuditEvent) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(512)
        append(event, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    /// Appends the event's compact JSON to `buffer`.
    public static func append(_ event: AuditEvent, to buffer: inout [UInt8]) {
        appendRaw("{\"v\":1,\"ts\":\"", &buffer)
        Timestamp.append(event.timestamp, to: &buffer)
        buffer.append(UInt8(ascii: "\""))
        appendString("service", event.service, &buffer)
        appendString("kind", event.kind.name, &buffer)
        if let outcome = event.outcome { appendString("outcome", outcome.name, &buffer) }
        if let reason = event.reason { appendString("reason", reason.name, &buffer) }
        appendString("token_type", event.tokenType.name, &buffer)
        appendString("iss", event.issuer, &buffer)
        appendString("sub", event.subject, &buffer)
        appendString("jti", event.tokenID, &buffer)
        appendString("alg", event.algorithm, &buffer)
        appendString("kid", event.keyID, &buffer)
        appendString("typ", event.type, &buffer)
        appendString("scope", event.scope, &buffer)
        appendString("client_id", event.clientID, &buffer)
        appendString("tenant", event.tenant, &buffer)
        switch event.audience {
        case .single(let value):
            appendString("aud", value, &buffer)
        case .list(let values):
            appendKey("aud", &buffer)
            buffer.append(UInt8(ascii: "["))
            for (index, value) in values.enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                appendEscaped(value, to: &buffer)
            }
            buffer.append(UInt8(ascii: "]"))
        case nil:
            break
        }
        appendInteger("exp", event.expiresAt, &buffer)
        appendInteger("iat", event.issuedAt, &buffer)
        appendInteger("nbf", event.notBefore, &buffer)
        appendString("client_ip", event.clientIP, &buffer)
        appendString("user_agent", event.userAgent, &buffer)
        appendString("family", event.family, &buffer)
        appendString("parent_jti", event.parentTokenID, &buffer)
        appendInteger("latency_us", event.latencyMicros, &buffer)
        appendString("jku", event.jwkSetURL, &buffer)
        appendString("x5u", event.x509URL, &buffer)
        appendInteger("seq", event.sequence, &buffer)
        appendString("token_fp", event.tokenFingerprint, &buffer)
        if !event.attributes.isEmpty {
            appendKey("attrs", &buffer)
            buffer.append(UInt8(ascii: "{"))
            for (index, key) in event.attributes.keys.sorted().enumerated() {
                if index > 0 { buffer.append(UInt8(ascii: ",")) }
                appendEscaped(key, to: &buffer)
                buffer.append(UInt8(ascii: ":"))
                appendEscaped(event.attributes[key]!, to: &buffer)
            }
            buffer.append(UInt8(ascii: "}"))
        }
        if event.receivedAt != 0 {
            appendKey("received_at", &buffer)
            buffer.append(UInt8(ascii: "\""))
            Timestamp.append(event.receivedAt, to: &buffer)
            buffer.append(UInt8(ascii: "\""))
            appendInteger("peer_uid", Int64(event.peerUID), &buffer)
            appendInteger("peer_gid", Int64(event.peerGID), &buffer)
            appendInteger("peer_pid", Int64(event.peerPID), &buffer)
        }
        appendString("producer", event.producer, &buffer)
        buffer.append(UInt8(ascii: "}"))
    }

    /// Appends `string` as a JSON string literal, quotes included: `"`, `\` and control
    /// characters escaped (`\u00XX`), U+2028 and U+2029 escaped, everything else as UTF-8.
    public static func appendEscaped(_ string: String, to buffer: inout [UInt8]) {
        var string = string
        string.withUTF8 { appendEscaped(UnsafeRawBufferPointer($0), to: &buffer) }
    }

    /// Appends UTF-8 `bytes` as a JSON string literal, escaped as ``appendEscaped(_:to:)`` does.
    public static func appendEscaped(_ bytes: UnsafeRawBufferPointer, to buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: "\""))
        var plainStart = 0
        var index = 0
        let count = bytes.count
        while index < count {
            let byte = bytes[index]
            var escape: (UInt8, UInt16)?  // (letter or 0 for \uXXXX, code unit)
            var width = 1
            if byte < 0x20 {
                escape = (0, UInt16(byte))
            } else if byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") {
                escape = (byte, 0)
            } else if byte == 0xE2, index + 2 < count, bytes[index + 1] == 0x80,
                bytes[index + 2] == 0xA8 || bytes[index + 2] == 0xA9
            {
                escape = (0, bytes[index + 2] == 0xA8 ? 0x2028 : 0x2029)
                width = 3
            }
            guard let (letter, unit) = escape else {
                index += 1
                continue
            }
            if plainStart < index {
                buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[plainStart..<index]))
            }
            buffer.append(UInt8(ascii: "\\"))
            if letter != 0 {
                buffer.append(letter)
            } else {
                buffer.append(UInt8(ascii: "u"))
                for shift in stride(from: 12, through: 0, by: -4) {
                    buffer.append(hexDigits[Int(unit >> UInt16(shift) & 0xF)])
                }
            }
            index += width
            plainStart = index
        }
        if plainStart < count {
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[plainStart..<count]))
        }
        buffer.append(UInt8(ascii: "\""))
    }

    private static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    // MARK: Pieces

    @inline(__always)
    private static func appendRaw(_ text: StaticString, _ buffer: inout [UInt8]) {
        buffer.append(contentsOf: UnsafeBufferPointer(start: text.utf8Start, count: text.utf8CodeUnitCount))
    }

    /// Appends `,"name":`.
    @inline(__always)
    private static func appendKey(_ name: StaticString, _ buffer: inout [UInt8]) {
        buffer.append(UInt8(ascii: ","))
        buffer.append(UInt8(ascii: "\""))
        appendRaw(name, &buffer)
        buffer.append(UInt8(ascii: "\""))
        buffer.append(UInt8(ascii: ":"))
    }

    @inline(__always)
    private static func appendString(_ name: StaticString, _ value: String?, _ buffer: inout [UInt8]) {
        guard let value else { return }
        appendKey(name, &buffer)
        appendEscaped(value, to: &buffer)
    }

    @inline(__always)
    private static func appendInteger(_ name: StaticString, _ value: Int64?, _ buffer: inout [UInt8]) {
        guard let value else { return }
        appendKey(name, &buffer)
        appendDecimal(value, &buffer)
    }

    /// Appends `value` in decimal without allocating.
    static func appendDecimal(_ value: Int64, _ buffer: inout [UInt8]) {
        if value < 0 { buffer.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)  // up to 20 digits, 8 per word
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            buffer.append(contentsOf: UnsafeRawBufferPointer(rebasing: raw[(24 - count)...]))
        }
    }
}
