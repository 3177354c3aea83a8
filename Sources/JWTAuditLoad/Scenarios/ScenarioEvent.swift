/// One event of an attack, planned at a point of event time.
///
/// Times inside the token (`exp`, `iat`, `nbf`) are kept relative to the event's own `ts`, so
/// that the event says the same thing wherever the generator places it.
public struct ScenarioEvent: Sendable, Hashable {
    /// When the event happens, microseconds since the epoch.
    public var micros: Int64
    var service: String
    var kind: String? = nil
    var outcome: String? = nil
    var reason: String? = nil
    var tokenType: String? = nil
    var issuer: String? = nil
    var subject: String? = nil
    var tokenID: String? = nil
    var algorithm: String? = nil
    var keyID: String? = nil
    var audience: String? = nil
    /// `exp`, `iat`, `nbf` as seconds after `ts` (negative: before).
    var expiresIn: Int64? = nil
    var issuedIn: Int64? = nil
    var notBeforeIn: Int64? = nil
    var clientID: String? = nil
    var clientIP: String? = nil
    var userAgent: String? = nil
    var family: String? = nil
    var parentTokenID: String? = nil
    var jwkSetURL: String? = nil
    var x509URL: String? = nil
    var timestampStyle: RFC3339.Style = .microseconds

    /// The event as one NDJSON line (without `seq` and without the newline), stamped at
    /// ``micros``.
    public var line: String {
        var writer = ByteWriter(capacity: 512)
        appendFields(to: &writer, micros: micros)
        writer.append(byte: UInt8(ascii: "}"))
        return String(decoding: writer.bytes, as: UTF8.self)
    }

    /// Appends the line from `{` up to the last field (no `seq`, no closing brace), stamped at
    /// `micros`.
    func appendFields(to writer: inout ByteWriter, micros: Int64) {
        let seconds = micros / 1_000_000
        writer.append("{\"v\":1,\"ts\":\"")
        writer.appendTimestamp(micros: micros, style: timestampStyle)
        writer.append("\",\"service\":")
        writer.appendJSONString(service)
        field("kind", kind, &writer)
        field("outcome", outcome, &writer)
        field("reason", reason, &writer)
        field("token_type", tokenType, &writer)
        field("iss", issuer, &writer)
        field("sub", subject, &writer)
        field("jti", tokenID, &writer)
        field("alg", algorithm, &writer)
        field("kid", keyID, &writer)
        field("aud", audience, &writer)
        number("exp", expiresIn.map { seconds + $0 }, &writer)
        number("iat", issuedIn.map { seconds + $0 }, &writer)
        number("nbf", notBeforeIn.map { seconds + $0 }, &writer)
        field("client_id", clientID, &writer)
        field("family", family, &writer)
        field("parent_jti", parentTokenID, &writer)
        field("jku", jwkSetURL, &writer)
        field("x5u", x509URL, &writer)
        field("client_ip", clientIP, &writer)
        field("user_agent", userAgent, &writer)
    }

    private func field(_ name: StaticString, _ value: String?, _ writer: inout ByteWriter) {
        guard let value else { return }
        writer.append(",\"")
        writer.append(name)
        writer.append("\":")
        writer.appendJSONString(value)
    }

    private func number(_ name: StaticString, _ value: Int64?, _ writer: inout ByteWriter) {
        guard let value else { return }
        writer.append(",\"")
        writer.append(name)
        writer.append("\":")
        writer.appendDecimal(value)
    }
}
