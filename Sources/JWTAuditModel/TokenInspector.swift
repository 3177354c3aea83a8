/// Reads a raw JWT's header and claims (no signature check) to fill the fields an event lacks.
///
/// The token is attacker-controlled evidence, so nothing here rejects an event: a segment that
/// is not base64url, not UTF-8, not a JSON object, or that repeats one of the names read here,
/// fills nothing; a claim of the wrong type or over ``EventLimits/maxStringBytes`` is skipped.
/// Shapes: a JWS (three segments) gives its header and claims; a JWE (five segments) only its
/// header; anything else nothing.
enum TokenInspector {
    /// The values read from one segment.
    struct Values {
        var alg, kid, typ, jku, x5u, iss, sub, jti, scope, clientID, tenant: String?
        var audience: Audience?
        var exp, iat, nbf: Int64?

        mutating func set(_ field: EventField, _ value: String) {
            switch field {
            case .alg: alg = value
            case .kid: kid = value
            case .typ: typ = value
            case .jku: jku = value
            case .x5u: x5u = value
            case .iss: iss = value
            case .sub: sub = value
            case .jti: jti = value
            case .scope: scope = value
            case .clientID: clientID = value
            case .tenant: tenant = value
            default: break
            }
        }

        mutating func set(_ field: EventField, _ value: Int64) {
            switch field {
            case .exp: exp = value
            case .iat: iat = value
            case .nbf: nbf = value
            default: break
            }
        }
    }

    static func fill(_ event: inout AuditEvent, fromToken token: UnsafeRawBufferPointer, limits: EventLimits) {
        guard let base = token.baseAddress?.assumingMemoryBound(to: UInt8.self) else { return }
        var dots: [Int] = []
        for index in 0..<token.count where base[index] == UInt8(ascii: ".") {
            dots.append(index)
            if dots.count > 4 { return }
        }
        guard dots.count == 2 || dots.count == 4 else { return }
        if let header = values(base, count: dots[0], limits: limits) {
            fillIfMissing(&event.algorithm, header.alg)
            fillIfMissing(&event.keyID, header.kid)
            fillIfMissing(&event.type, header.typ)
            fillIfMissing(&event.jwkSetURL, header.jku)
            fillIfMissing(&event.x509URL, header.x5u)
        }
        guard dots.count == 2,
            let claims = values(base + dots[0] + 1, count: dots[1] - dots[0] - 1, limits: limits)
        else { return }
        fillIfMissing(&event.issuer, claims.iss)
        fillIfMissing(&event.subject, claims.sub)
        fillIfMissing(&event.tokenID, claims.jti)
        fillIfMissing(&event.scope, claims.scope)
        fillIfMissing(&event.clientID, claims.clientID)
        fillIfMissing(&event.tenant, claims.tenant)
        fillIfMissing(&event.audience, claims.audience)
        fillIfMissing(&event.expiresAt, claims.exp)
        fillIfMissing(&event.issuedAt, claims.iat)
        fillIfMissing(&event.notBefore, claims.nbf)
    }

    private static func fillIfMissing<T>(_ field: inout T?, _ value: T?) {
        if field == nil { field = value }
    }

    /// The string, audience and time values of one base64url segment holding a JSON object, or
    /// nil when the segment does not decode or repeats a name.
    static func values(_ segment: UnsafePointer<UInt8>, count: Int, limits: EventLimits) -> Values? {
        guard count > 0, let json = Base64URL.decode(segment, count: count) else { return nil }
        return json.withUnsafeBufferPointer { buffer -> Values? in
            guard let base = buffer.baseAddress, UTF8Validation.firstInvalidByte(base, count: buffer.count) == nil
            else { return nil }
            var scanner = JSONScanner(base: base, count: buffer.count)
            do throws(EventRejection) {
                return try values(&scanner, limits: limits)
            } catch {
                return nil
            }
        }
    }

    private static func values(_ scanner: inout JSONScanner, limits: EventLimits) throws(EventRejection) -> Values? {
        var result = Values()
        var seen: UInt64 = 0
        try scanner.expect(UInt8(ascii: "{"), "'{'")
        scanner.skipWhitespace()
        if scanner.current == UInt8(ascii: "}") {
            scanner.position += 1
        } else {
            while true {
                guard scanner.current == UInt8(ascii: "\"") else { return nil }
                let key = try scanner.scanString()
                try scanner.expect(UInt8(ascii: ":"), "':'")
                scanner.skipWhitespace()
                guard let first = scanner.current else { return nil }
                let field = KnownNames.field(scanner.packedKey(key))
                if let field {
                    guard seen & field.bit == 0 else { return nil }
                    seen |= field.bit
                }
                switch field {
                case .alg, .kid, .typ, .jku, .x5u, .iss, .sub, .jti, .scope, .clientID, .tenant:
                    if first == UInt8(ascii: "\"") {
                        let token = try scanner.scanString()
                        if let value = boundedString(token, scanner, limits) { result.set(field!, value) }
                    } else {
                        try scanner.skipValue()
                    }
                case .aud:
                    result.audience = try audience(&scanner, limits)
                case .exp, .iat, .nbf:
                    if first == UInt8(ascii: "-") || first &- UInt8(ascii: "0") < 10 {
                        // NumericDate may carry a fraction (RFC 7519): keep whole seconds.
                        let number = try scanner.scanNumber()
                        if let value = number.truncatedInt64 { result.set(field!, value) }
                    } else {
                        try scanner.skipValue()
                    }
                default:
                    try scanner.skipValue()
                }
                scanner.skipWhitespace()
                guard let next = scanner.current else { return nil }
                scanner.position += 1
                if next == UInt8(ascii: ",") {
                    scanner.skipWhitespace()
                    continue
                }
                guard next == UInt8(ascii: "}") else { return nil }
                break
            }
        }
        scanner.skipWhitespace()
        return scanner.isAtEnd ? result : nil
    }

    private static func boundedString(_ token: JSONStringToken, _ scanner: JSONScanner, _ limits: EventLimits)
        -> String?
    {
        if token.rawCount > limits.maxStringBytes, scanner.unescapedCount(token) > limits.maxStringBytes { return nil }
        return scanner.string(token)
    }

    /// A string or an array of strings; nil (value skipped) for anything else.
    private static func audience(_ scanner: inout JSONScanner, _ limits: EventLimits) throws(EventRejection)
        -> Audience?
    {
        if scanner.current == UInt8(ascii: "\"") {
            return boundedString(try scanner.scanString(), scanner, limits).map(Audience.single)
        }
        guard scanner.current == UInt8(ascii: "[") else {
            try scanner.skipValue()
            return nil
        }
        let start = scanner.position
        scanner.position += 1
        var values: [String] = []
        scanner.skipWhitespace()
        if scanner.current == UInt8(ascii: "]") {
            scanner.position += 1
            return .list([])
        }
        while true {
            scanner.skipWhitespace()
            guard scanner.current == UInt8(ascii: "\""),
                let value = boundedString(try scanner.scanString(), scanner, limits)
            else {
                // Not an array of strings: skip the whole array and fill nothing.
                scanner.position = start
                try scanner.skipValue()
                return nil
            }
            values.append(value)
            scanner.skipWhitespace()
            guard let next = scanner.current else { throw scanner.unexpected(expecting: "',' or ']'") }
            scanner.position += 1
            if next == UInt8(ascii: ",") { continue }
            guard next == UInt8(ascii: "]") else { throw scanner.unexpected(expecting: "',' or ']'") }
            return .list(values)
        }
    }
}
