import JWTAuditCrypto

/// Decodes one wire line (schema version 1, DESIGN section 2) into an ``AuditEvent``, or says
/// precisely why the line is rejected.
///
/// A purpose-built byte-level JSON parser: it reads the line in place, matches keys by length and
/// packed bytes, creates Strings only for fields that are present, and never goes through
/// Foundation. It is strict where a security product must be: invalid UTF-8, duplicate keys
/// (at the top level and inside `attrs`), lone surrogate escapes and trailing data all reject
/// the line.
///
/// Which error a line with several problems gets, in order: `line_too_long`, `invalid_utf8`,
/// the first `invalid_json` problem, then the schema version (`missing_field`, `invalid_field`
/// or `unsupported_version` for `v`), then the first invalid field in line order, then the first
/// missing required field (`ts`, `service`, `outcome`, `reason`, `parent_jti`), then the
/// attribute count.
///
/// Unknown top-level fields are kept in ``AuditEvent/attributes`` (strings as strings, other
/// values as compact JSON text, `null` dropped). When an unknown top-level field has the same
/// name as an `attrs` entry, the `attrs` entry wins and the top-level one is dropped: `attrs`
/// is the producer's explicit channel for attributes. Both count as one attribute.
///
/// The raw `token` is read, never kept: its header and claims fill the fields the event lacks
/// (a token that does not decode fills nothing and does not reject the line), the
/// fingerprinter, when there is one, sets ``AuditEvent/tokenFingerprint``, and the token is
/// dropped. No error message quotes a value from the line.
public struct EventDecoder: Sendable {
    /// The bounds every line must respect.
    public var limits: EventLimits
    /// Computes `token_fp` from a line's `token`; nil keeps a client-sent `token_fp` only.
    public var fingerprinter: TokenFingerprinter?

    /// Creates a decoder with the given bounds and token fingerprinter.
    public init(limits: EventLimits = EventLimits(), fingerprinter: TokenFingerprinter?) {
        self.limits = limits
        self.fingerprinter = fingerprinter
    }

    /// Decodes one line, given without its trailing newline (a trailing `\r` is whitespace).
    public func decode(_ line: UnsafeRawBufferPointer) -> Result<AuditEvent, EventRejection> {
        guard line.count <= limits.maxLineBytes else {
            return .failure(
                EventRejection(.lineTooLong, "line of \(line.count) bytes exceeds the limit of \(limits.maxLineBytes)"))
        }
        guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self), !line.isEmpty else {
            return .failure(EventRejection(.invalidJSON, "empty line"))
        }
        if let offset = UTF8Validation.firstInvalidByte(base, count: line.count) {
            return .failure(EventRejection(.invalidUTF8, "invalid UTF-8 at offset \(offset)"))
        }
        var parser = EventLineParser(scanner: JSONScanner(base: base, count: line.count), limits: limits)
        do throws(EventRejection) {
            try parser.parseObject()
            return .success(try parser.finish(fingerprinter: fingerprinter))
        } catch {
            return .failure(error)
        }
    }

    /// Decodes one line given as a String, without its trailing newline.
    public func decode(_ line: String) -> Result<AuditEvent, EventRejection> {
        var line = line
        return line.withUTF8 { decode(UnsafeRawBufferPointer($0)) }
    }
}

/// The state of one line's decoding.
struct EventLineParser {
    enum Version {
        case missing, one, other, notInteger
    }

    var scanner: JSONScanner
    let limits: EventLimits
    var event = AuditEvent(timestamp: 0, service: "")
    /// Known fields seen in the line, `null` included (for duplicate detection).
    var occurred: UInt64 = 0
    /// `ts` and `service` once they hold a valid value (their absence does not show in `event`).
    var given: UInt64 = 0
    var version = Version.missing
    /// The first field that had the wrong type or value; reported once the syntax is known good.
    var fieldError: EventRejection?
    /// The raw token, still escaped, when the line has one.
    var token: JSONStringToken?
    /// Unknown top-level fields (nil for `null` values, kept to detect duplicate keys).
    var unknown: [String: String?] = [:]
    /// `attrs` keys whose value was `null` (kept to detect duplicate keys).
    var nullAttributeKeys: Set<String> = []

    init(scanner: JSONScanner, limits: EventLimits) {
        self.scanner = scanner
        self.limits = limits
    }

    // MARK: The object

    mutating func parseObject() throws(EventRejection) {
        scanner.skipWhitespace()
        guard scanner.current == UInt8(ascii: "{") else {
            if scanner.isAtEnd { throw EventRejection(.invalidJSON, "empty line") }
            throw scanner.syntaxError("the line is not a JSON object: expected '{'")
        }
        scanner.position += 1
        scanner.skipWhitespace()
        if scanner.current == UInt8(ascii: "}") {
            scanner.position += 1
        } else {
            while true {
                guard scanner.current == UInt8(ascii: "\"") else { throw scanner.unexpected(expecting: "a key") }
                var packed = PackedKey(length: 0)
                let key = try scanner.scanKey(&packed)
                try scanner.expect(UInt8(ascii: ":"), "':' after a key")
                scanner.skipWhitespace()
                guard !scanner.isAtEnd else { throw scanner.unexpected(expecting: "a value") }
                if let field = KnownNames.field(packed) {
                    guard occurred & field.bit == 0 else { throw Self.duplicate(field.name) }
                    occurred |= field.bit
                    try parseValue(of: field)
                } else {
                    try parseUnknownField(key)
                }
                if try scanner.finishMember() { continue }
                break
            }
        }
        scanner.skipWhitespace()
        guard scanner.isAtEnd else { throw scanner.syntaxError("trailing data after the object") }
    }

    static func duplicate(_ name: String) -> EventRejection {
        EventRejection(.invalidJSON, field: name, "duplicate key")
    }

    /// Records a field error unless an earlier field already has one.
    @inline(never)
    mutating func reject(_ field: EventField, _ message: @autoclosure () -> String) {
        if fieldError == nil { fieldError = EventRejection(.invalidField, field: field.name, message()) }
    }

    @inline(never)
    mutating func reject(named name: String, _ message: @autoclosure () -> String) {
        if fieldError == nil { fieldError = EventRejection(.invalidField, field: name, message()) }
    }

    // MARK: Known fields

    @inline(__always)
    mutating func parseValue(of field: EventField) throws(EventRejection) {
        switch field {
        case .v: try parseVersion()
        case .ts: try parseTimestamp()
        case .service: try parseService()
        case .kind, .outcome, .reason, .tokenType: try parseName(field)
        case .iss, .sub, .jti, .alg, .kid, .typ, .scope, .clientID, .tenant, .userAgent, .family, .parentJTI, .jku,
            .x5u, .tokenFP:
            try parseString(field)
        case .clientIP: try parseClientIP()
        case .aud: event.audience = try audience()
        case .exp, .iat, .nbf, .latencyUS, .seq: try parseInteger(field)
        case .token: try parseToken()
        case .attrs: try attributes()
        }
    }

    @inline(never)
    mutating func parseVersion() throws(EventRejection) {
        if scanner.consumeNull() { return }
        if let number = try numberToken() {
            version = number.isInteger ? (number.int64 == 1 ? .one : .other) : .notInteger
        } else {
            try scanner.skipValue()
            version = .notInteger
        }
    }

    @inline(never)
    mutating func parseTimestamp() throws(EventRejection) {
        guard let token = try stringToken(.ts) else { return }
        let micros =
            token.hasEscapes
            ? scanner.withContent(token) { Timestamp.parseRFC3339($0) }
            : Timestamp.parseRFC3339(UnsafeRawBufferPointer(start: scanner.base + token.start, count: token.rawCount))
        guard let micros else {
            return reject(.ts, "ts must be an RFC 3339 date-time between years 0001 and 9999")
        }
        event.timestamp = micros
        given |= EventField.ts.bit
    }

    @inline(never)
    mutating func parseService() throws(EventRejection) {
        guard let token = try stringToken(.service) else { return }
        let problem =
            token.hasEscapes
            ? scanner.withContent(token) { Self.serviceNameProblem($0) }
            : Self.serviceNameProblem(UnsafeRawBufferPointer(start: scanner.base + token.start, count: token.rawCount))
        if let problem { return reject(.service, problem) }
        event.service = scanner.string(token)
        given |= EventField.service.bit
    }

    /// `kind`, `outcome`, `reason`, `token_type`: names matched without making a String.
    @inline(never)
    mutating func parseName(_ field: EventField) throws(EventRejection) {
        guard let token = try stringToken(field) else { return }
        let key = scanner.packedKey(token)
        switch field {
        case .kind:
            guard let kind = KnownNames.kind(key) else {
                return reject(field, "kind must be validate, issue, rotate or revoke")
            }
            event.kind = kind
        case .outcome:
            guard let outcome = KnownNames.outcome(key) else {
                return reject(field, "outcome must be accepted or rejected")
            }
            event.outcome = outcome
        case .reason:
            guard let reason = KnownNames.reason(key) else {
                return reject(field, "reason is not one of the reasons of schema version 1")
            }
            event.reason = reason
        default:
            guard let type = KnownNames.tokenType(key) else {
                return reject(field, "token_type must be access, refresh or id")
            }
            event.tokenType = type
        }
    }

    /// The plain string fields.
    @inline(never)
    mutating func parseString(_ field: EventField) throws(EventRejection) {
        let value = try boundedString(field, maxBytes: field == .tokenFP ? 128 : limits.maxStringBytes)
        switch field {
        case .iss: event.issuer = value
        case .sub: event.subject = value
        case .jti: event.tokenID = value
        case .alg: event.algorithm = value
        case .kid: event.keyID = value
        case .typ: event.type = value
        case .scope: event.scope = value
        case .clientID: event.clientID = value
        case .tenant: event.tenant = value
        case .userAgent: event.userAgent = value
        case .family: event.family = value
        case .parentJTI: event.parentTokenID = value
        case .jku: event.jwkSetURL = value
        case .x5u: event.x509URL = value
        default: event.tokenFingerprint = value
        }
    }

    @inline(never)
    mutating func parseClientIP() throws(EventRejection) {
        guard let token = try stringToken(.clientIP) else { return }
        guard scanner.withContent(token, IPAddress.isValid) else {
            return reject(.clientIP, "client_ip must be an IPv4 or IPv6 address")
        }
        event.clientIP = scanner.string(token)
    }

    @inline(never)
    mutating func parseInteger(_ field: EventField) throws(EventRejection) {
        switch field {
        case .exp: event.expiresAt = try integer(field)
        case .iat: event.issuedAt = try integer(field)
        case .nbf: event.notBefore = try integer(field)
        case .latencyUS: event.latencyMicros = try integer(field, nonNegative: true)
        default: event.sequence = try integer(field, nonNegative: true)
        }
    }

    @inline(never)
    mutating func parseToken() throws(EventRejection) {
        let limits = self.limits  // messages must not capture self
        guard let token = try stringToken(.token) else { return }
        if token.rawCount > limits.maxStringBytes, scanner.unescapedCount(token) > limits.maxStringBytes {
            return reject(.token, "token is longer than \(limits.maxStringBytes) bytes")
        }
        self.token = token
    }

    /// The string value of `field`, or nil when it is `null` or not a string (then the error is
    /// recorded and the value skipped).
    @inline(__always)
    mutating func stringToken(_ field: EventField) throws(EventRejection) -> JSONStringToken? {
        if scanner.base[scanner.position] == UInt8(ascii: "\"") { return try scanner.scanString() }
        if scanner.consumeNull() { return nil }
        try scanner.skipValue()
        reject(field, "\(field.name) must be a string")
        return nil
    }

    /// A string field bounded by `maxBytes` (default: ``EventLimits/maxStringBytes``).
    @inline(__always)
    mutating func boundedString(_ field: EventField, maxBytes: Int) throws(EventRejection) -> String? {
        let limits = self.limits  // messages must not capture self
        guard let token = try stringToken(field) else { return nil }
        let bound = min(maxBytes, limits.maxStringBytes)
        if token.rawCount > bound, scanner.unescapedCount(token) > bound {
            reject(field, "\(field.name) is longer than \(bound) bytes")
            return nil
        }
        return scanner.string(token)
    }

    /// A number at the current position, or nil (position unchanged) when the value is not one.
    @inline(__always)
    mutating func numberToken() throws(EventRejection) -> JSONNumberToken? {
        let byte = scanner.base[scanner.position]
        guard byte == UInt8(ascii: "-") || byte &- UInt8(ascii: "0") < 10 else { return nil }
        return try scanner.scanNumber()
    }

    /// An integer field: `null` is absent; fractions, exponents, strings, booleans and values
    /// outside `Int64` are invalid.
    @inline(__always)
    mutating func integer(_ field: EventField, nonNegative: Bool = false) throws(EventRejection) -> Int64? {
        guard let number = try numberToken() else {
            if scanner.consumeNull() { return nil }
            try scanner.skipValue()
            reject(field, "\(field.name) must be an integer")
            return nil
        }
        guard number.isInteger else {
            reject(field, "\(field.name) must be an integer without fraction or exponent")
            return nil
        }
        guard let value = number.int64 else {
            reject(field, "\(field.name) is outside the 64-bit integer range")
            return nil
        }
        if nonNegative, value < 0 {
            reject(field, "\(field.name) must not be negative")
            return nil
        }
        return value
    }

    /// `aud`: a string or an array of strings.
    mutating func audience() throws(EventRejection) -> Audience? {
        let limits = self.limits  // messages must not capture self
        let byte = scanner.base[scanner.position]
        if byte == UInt8(ascii: "\"") {
            return try boundedString(.aud, maxBytes: limits.maxStringBytes).map(Audience.single)
        }
        if scanner.consumeNull() { return nil }
        guard byte == UInt8(ascii: "[") else {
            try scanner.skipValue()
            reject(.aud, "aud must be a string or an array of strings")
            return nil
        }
        scanner.position += 1
        scanner.skipWhitespace()
        var values: [String] = []
        var valid = true
        if scanner.current == UInt8(ascii: "]") {
            scanner.position += 1
            return .list(values)
        }
        while true {
            scanner.skipWhitespace()
            guard let first = scanner.current else { throw scanner.unexpected(expecting: "a value") }
            if first == UInt8(ascii: "\"") {
                let token = try scanner.scanString()
                if token.rawCount > limits.maxStringBytes, scanner.unescapedCount(token) > limits.maxStringBytes {
                    reject(.aud, "an aud value is longer than \(limits.maxStringBytes) bytes")
                    valid = false
                } else if valid {
                    values.append(scanner.string(token))
                }
            } else {
                try scanner.skipValue()
                reject(.aud, "aud must be a string or an array of strings")
                valid = false
            }
            scanner.skipWhitespace()
            guard let next = scanner.current else { throw scanner.unexpected(expecting: "',' or ']'") }
            if next == UInt8(ascii: ",") {
                scanner.position += 1
                continue
            }
            guard next == UInt8(ascii: "]") else { throw scanner.unexpected(expecting: "',' or ']'") }
            scanner.position += 1
            return valid ? .list(values) : nil
        }
    }

    /// Why `bytes` is not a valid service name (1–128 Unicode scalars, no control characters),
    /// or nil.
    static func serviceNameProblem(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard !bytes.isEmpty else { return "service must not be empty" }
        // Fast path: printable ASCII only (0x20–0x7E), eight bytes at a time.
        if bytes.count <= 128 {
            var index = 0
            var printable = true
            while index + 8 <= bytes.count {
                let word = bytes.loadUnaligned(fromByteOffset: index, as: UInt64.self)
                let ones: UInt64 = 0x0101_0101_0101_0101
                // High bit set for a byte ≥ 0x80, < 0x20, or = 0x7F.
                let high = word & (ones &* 0x80)
                let below = (word &- ones &* 0x20) & ~word
                let del = (word ^ (ones &* 0x7F)) &- ones & ~(word ^ (ones &* 0x7F))
                if (high | below | del) & (ones &* 0x80) != 0 {
                    printable = false
                    break
                }
                index += 8
            }
            while printable, index < bytes.count {
                let byte = bytes[index]
                if byte < 0x20 || byte >= 0x7F { printable = false }
                index += 1
            }
            if printable { return nil }
        }
        var scalars = 0
        var previous: UInt8 = 0
        for byte in bytes {
            if byte & 0xC0 != 0x80 { scalars += 1 }
            // C0 controls, DEL, and C1 controls (U+0080–U+009F: C2 80 … C2 9F).
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte < 0xA0 && byte >= 0x80) {
                return "service must not contain control characters"
            }
            previous = byte
        }
        guard scalars <= 128 else { return "service must be at most 128 characters" }
        return nil
    }

    // MARK: Attributes

    /// `attrs`: an object of string values (`null` values are dropped).
    mutating func attributes() throws(EventRejection) {
        let limits = self.limits  // messages must not capture self
        if scanner.consumeNull() { return }
        guard scanner.base[scanner.position] == UInt8(ascii: "{") else {
            try scanner.skipValue()
            return reject(.attrs, "attrs must be an object of string values")
        }
        scanner.position += 1
        scanner.skipWhitespace()
        if scanner.current == UInt8(ascii: "}") {
            scanner.position += 1
            return
        }
        while true {
            guard scanner.current == UInt8(ascii: "\"") else { throw scanner.unexpected(expecting: "a key") }
            let keyToken = try scanner.scanString()
            try scanner.expect(UInt8(ascii: ":"), "':' after a key")
            scanner.skipWhitespace()
            guard let first = scanner.current else { throw scanner.unexpected(expecting: "a value") }
            let key = scanner.string(keyToken)
            var value: String?
            if first == UInt8(ascii: "\"") {
                let valueToken = try scanner.scanString()
                if keyToken.rawCount > limits.maxAttributeNameBytes, key.utf8.count > limits.maxAttributeNameBytes {
                    reject(.attrs, "an attrs name is longer than \(limits.maxAttributeNameBytes) bytes")
                } else if valueToken.rawCount > limits.maxAttributeValueBytes,
                    scanner.unescapedCount(valueToken) > limits.maxAttributeValueBytes
                {
                    reject(.attrs, "an attrs value is longer than \(limits.maxAttributeValueBytes) bytes")
                } else {
                    value = scanner.string(valueToken)
                }
            } else if scanner.consumeNull() {
                guard event.attributes[key] == nil, nullAttributeKeys.insert(key).inserted else {
                    throw Self.duplicate(key)
                }
            } else {
                try scanner.skipValue()
                reject(.attrs, "attrs values must be strings")
            }
            if let value {
                guard !nullAttributeKeys.contains(key), event.attributes.updateValue(value, forKey: key) == nil else {
                    throw Self.duplicate(key)
                }
                if event.attributes.count > limits.maxAttributes {
                    reject(.attrs, "more than \(limits.maxAttributes) attributes")
                }
            }
            if try scanner.finishMember() { continue }
            return
        }
    }

    /// An unknown top-level field: kept as an attribute (string values as they are, other
    /// values as compact JSON text, `null` dropped).
    mutating func parseUnknownField(_ keyToken: JSONStringToken) throws(EventRejection) {
        let limits = self.limits  // messages must not capture self
        let key = scanner.string(keyToken)
        var value: String?
        if scanner.base[scanner.position] == UInt8(ascii: "\"") {
            let token = try scanner.scanString()
            if token.rawCount > limits.maxAttributeValueBytes,
                scanner.unescapedCount(token) > limits.maxAttributeValueBytes
            {
                rejectUnknown(key, "an unknown field's value is longer than \(limits.maxAttributeValueBytes) bytes")
            } else {
                value = scanner.string(token)
            }
        } else if !scanner.consumeNull() {
            var sink = BytesSink()
            let depth = try scanner.scanValue(into: &sink)
            if depth > limits.maxNestingDepth {
                rejectUnknown(key, "an unknown field nests deeper than \(limits.maxNestingDepth) levels")
            } else if sink.bytes.count > limits.maxAttributeValueBytes {
                rejectUnknown(key, "an unknown field's value is longer than \(limits.maxAttributeValueBytes) bytes")
            } else {
                value = String(decoding: sink.bytes, as: UTF8.self)
            }
        }
        if key.utf8.count > limits.maxAttributeNameBytes {
            return reject(.attrs, "an unknown field's name is longer than \(limits.maxAttributeNameBytes) bytes")
        }
        guard unknown.updateValue(value, forKey: key) == nil else { throw Self.duplicate(key) }
        if unknown.count > limits.maxAttributes {
            reject(.attrs, "more than \(limits.maxAttributes) attributes")
        }
    }

    /// Records an error about an unknown field, naming it when its name is short enough.
    mutating func rejectUnknown(_ key: String, _ message: String) {
        reject(named: key.utf8.count <= limits.maxAttributeNameBytes ? key : "attrs", message)
    }

    // MARK: The end

    /// Checks the version, field errors and required fields, merges unknown fields, reads the
    /// token, and hands the event over.
    mutating func finish(fingerprinter: TokenFingerprinter?) throws(EventRejection) -> AuditEvent {
        switch version {
        case .missing: throw EventRejection(.missingField, field: "v", "v (the schema version) is required")
        case .notInteger: throw EventRejection(.invalidField, field: "v", "v must be an integer")
        case .other: throw EventRejection(.unsupportedVersion, field: "v", "only schema version 1 is supported")
        case .one: break
        }
        if let fieldError { throw fieldError }
        try require(.ts, given & EventField.ts.bit != 0)
        try require(.service, given & EventField.service.bit != 0)
        if event.kind == .validate { try require(.outcome, event.outcome != nil, "outcome is required for validate") }
        if event.outcome == .rejected { try require(.reason, event.reason != nil, "reason is required when rejected") }
        if event.kind == .rotate {
            try require(.parentJTI, event.parentTokenID != nil, "parent_jti is required for rotate")
        }
        if !unknown.isEmpty {
            for (key, value) in unknown {
                guard let value, event.attributes[key] == nil else { continue }
                event.attributes[key] = value
            }
            if event.attributes.count > limits.maxAttributes {
                throw EventRejection(.invalidField, field: "attrs", "more than \(limits.maxAttributes) attributes")
            }
        }
        if let token {
            if token.hasEscapes {
                var buffer: [UInt8] = []
                scanner.unescape(token, into: &buffer)
                buffer.withUnsafeBytes { applyToken($0, fingerprinter: fingerprinter) }
            } else {
                applyToken(
                    UnsafeRawBufferPointer(start: scanner.base + token.start, count: token.rawCount),
                    fingerprinter: fingerprinter)
            }
        }
        // Move the event out rather than copy it (a copy retains every string it holds).
        var result = AuditEvent(timestamp: 0, service: "")
        swap(&result, &event)
        return result
    }

    /// Fingerprints the raw token and fills the fields the event lacks from it.
    private mutating func applyToken(_ bytes: UnsafeRawBufferPointer, fingerprinter: TokenFingerprinter?) {
        if let fingerprinter { event.tokenFingerprint = fingerprinter.fingerprint(bytes) }
        TokenInspector.fill(&event, fromToken: bytes, limits: limits)
    }

    private func require(_ field: EventField, _ present: Bool, _ message: String? = nil) throws(EventRejection) {
        guard present else {
            throw EventRejection(.missingField, field: field.name, message ?? "\(field.name) is required")
        }
    }
}
