import JWTAuditCrypto
import JWTAuditModel
import Testing

@Suite struct EventDecoderTests {
    let decoder = EventDecoder(fingerprinter: nil)

    // MARK: Fields

    @Test("a line with only the required fields decodes, with kind and token_type defaulted")
    func minimalLine() throws {
        let event = try decoded(eventLine())
        #expect(event.timestamp == sampleMicros)
        #expect(event.service == "auth")
        #expect(event.kind == .validate)
        #expect(event.outcome == .accepted)
        #expect(event.reason == nil)
        #expect(event.tokenType == .access)
        #expect(event.attributes.isEmpty)
        #expect(event.issuer == nil && event.subject == nil && event.audience == nil && event.sequence == nil)
        #expect(event.receivedAt == 0 && event.producer == nil)
    }

    @Test("every wire field lands in its property")
    func everyField() throws {
        let line = """
            {"v":1,"ts":"2026-11-29T03:25:34.123456Z","service":"payments","kind":"validate","outcome":"rejected",\
            "reason":"expired","token_type":"refresh","iss":"https://idp.example","sub":"user-1","jti":"id-1",\
            "alg":"RS256","kid":"key-1","typ":"JWT","scope":"read write","client_id":"web","tenant":"acme",\
            "aud":["api","web"],"exp":1764386734,"iat":1764383134,"nbf":1764383100,"client_ip":"203.0.113.7",\
            "user_agent":"curl/8.5","family":"fam-1","parent_jti":"id-0","latency_us":250,\
            "jku":"https://idp.example/jwks","x5u":"https://idp.example/x5u","seq":42,\
            "token_fp":"9f86d081884c7d659a2feaa0c55ad015","attrs":{"region":"eu","pod":"p-7"}}
            """
        let event = try decoded(line)
        #expect(event.timestamp == sampleMicros + 123_456)
        #expect(event.service == "payments")
        #expect(event.kind == .validate)
        #expect(event.outcome == .rejected)
        #expect(event.reason == .expired)
        #expect(event.tokenType == .refresh)
        #expect(event.issuer == "https://idp.example")
        #expect(event.subject == "user-1")
        #expect(event.tokenID == "id-1")
        #expect(event.algorithm == "RS256")
        #expect(event.keyID == "key-1")
        #expect(event.type == "JWT")
        #expect(event.scope == "read write")
        #expect(event.clientID == "web")
        #expect(event.tenant == "acme")
        #expect(event.audience == .list(["api", "web"]))
        #expect(event.expiresAt == 1_764_386_734)
        #expect(event.issuedAt == 1_764_383_134)
        #expect(event.notBefore == 1_764_383_100)
        #expect(event.clientIP == "203.0.113.7")
        #expect(event.userAgent == "curl/8.5")
        #expect(event.family == "fam-1")
        #expect(event.parentTokenID == "id-0")
        #expect(event.latencyMicros == 250)
        #expect(event.jwkSetURL == "https://idp.example/jwks")
        #expect(event.x509URL == "https://idp.example/x5u")
        #expect(event.sequence == 42)
        #expect(event.tokenFingerprint == "9f86d081884c7d659a2feaa0c55ad015")
        #expect(event.attributes == ["region": "eu", "pod": "p-7"])
    }

    @Test("every kind name decodes", arguments: EventKind.allCases)
    func kinds(kind: EventKind) throws {
        let event = try decoded(eventLine(#","kind":"\#(kind.name)","parent_jti":"p""#))
        #expect(event.kind == kind)
    }

    @Test("every reason name decodes", arguments: Reason.allCases)
    func reasons(reason: Reason) throws {
        let line = #"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"s","outcome":"rejected","reason":"\#(reason.name)"}"#
        #expect(try decoded(line).reason == reason)
    }

    @Test("every token type and outcome name decodes")
    func tokenTypesAndOutcomes() throws {
        for type in TokenType.allCases {
            #expect(try decoded(eventLine(#","token_type":"\#(type.name)""#)).tokenType == type)
        }
        for outcome in Outcome.allCases {
            let line =
                #"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"s","outcome":"\#(outcome.name)","reason":"other"}"#
            #expect(try decoded(line).outcome == outcome)
        }
    }

    @Test("issue and revoke need no outcome; rotate needs parent_jti")
    func kindRequirements() throws {
        let base = #"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"idp","#
        #expect(try decoded(base + #""kind":"issue","jti":"r1","family":"f"}"#).outcome == nil)
        #expect(try decoded(base + #""kind":"revoke","family":"f"}"#).kind == .revoke)
        #expect(try decoded(base + #""kind":"rotate","jti":"r2","parent_jti":"r1"}"#).parentTokenID == "r1")
        let missing = try rejection(base + #""kind":"rotate","jti":"r2"}"#)
        #expect(missing.code == .missingField && missing.field == "parent_jti")
    }

    @Test(
        "an unknown enumerated name is invalid_field naming the field",
        arguments: [
            ("kind", #""validated""#), ("outcome", #""ok""#), ("reason", #""nope""#), ("token_type", #""bearer""#),
            ("kind", #""Validate""#), ("reason", #""audience_mismatch_""#), ("kind", "7"),
        ])
    func unknownNames(field: String, value: String) throws {
        let line = #"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"s","outcome":"rejected","reason":"other","#
        let withField =
            field == "outcome" || field == "reason"
            ? #"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"s","\#(field)":\#(value)}"#
            : line + #""\#(field)":\#(value)}"#
        let rejected = try rejection(withField)
        #expect(rejected.code == .invalidField)
        #expect(rejected.field == field)
    }

    // MARK: Required fields and the version

    @Test(
        "a missing required field is missing_field naming it",
        arguments: [
            (#"{"ts":"2026-11-29T03:25:34Z","service":"s","outcome":"accepted"}"#, "v"),
            (#"{"v":1,"service":"s","outcome":"accepted"}"#, "ts"),
            (#"{"v":1,"ts":"2026-11-29T03:25:34Z","outcome":"accepted"}"#, "service"),
            (#"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"s"}"#, "outcome"),
            (#"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"s","kind":"validate","outcome":"rejected"}"#, "reason"),
            (#"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"s","kind":"rotate"}"#, "parent_jti"),
            (#"{}"#, "v"),
        ])
    func missingFields(line: String, field: String) throws {
        let rejected = try rejection(line)
        #expect(rejected.code == .missingField)
        #expect(rejected.field == field)
    }

    @Test("null for a required field counts as missing", arguments: ["v", "ts", "service", "outcome"])
    func nullRequired(field: String) throws {
        var fields = ["v": "1", "ts": #""2026-11-29T03:25:34Z""#, "service": #""s""#, "outcome": #""accepted""#]
        fields[field] = "null"
        let line = "{" + fields.map { #""\#($0.key)":\#($0.value)"# }.joined(separator: ",") + "}"
        let rejected = try rejection(line)
        #expect(rejected.code == .missingField)
        #expect(rejected.field == field)
    }

    @Test("null for an optional field means absent")
    func nullOptional() throws {
        let event = try decoded(
            eventLine(
                #","kind":null,"reason":null,"token_type":null,"iss":null,"aud":null,"exp":null,"client_ip":null,"#
                    + #""seq":null,"token":null,"token_fp":null,"attrs":null,"extra":null"#))
        #expect(event.kind == .validate && event.tokenType == .access)
        #expect(event.reason == nil && event.issuer == nil && event.audience == nil && event.expiresAt == nil)
        #expect(event.clientIP == nil && event.sequence == nil && event.tokenFingerprint == nil)
        #expect(event.attributes.isEmpty)
    }

    @Test(
        "v other than the integer 1",
        arguments: [
            ("2", RejectionCode.unsupportedVersion), ("0", .unsupportedVersion), ("-1", .unsupportedVersion),
            ("99999999999999999999", .unsupportedVersion), (#""1""#, .invalidField), ("1.0", .invalidField),
            ("1e0", .invalidField), ("true", .invalidField), ("[1]", .invalidField),
        ])
    func versions(value: String, code: RejectionCode) throws {
        let line = #"{"v":\#(value),"ts":"2026-11-29T03:25:34Z","service":"s","outcome":"accepted"}"#
        let rejected = try rejection(line)
        #expect(rejected.code == code)
        #expect(rejected.field == "v")
    }

    @Test("the version is judged before other fields")
    func versionFirst() throws {
        let rejected = try rejection(#"{"service":"","ts":"yesterday","v":2}"#)
        #expect(rejected.code == .unsupportedVersion)
    }

    // MARK: Timestamps, service, strings

    @Test(
        "ts accepts RFC 3339 forms and converts to UTC microseconds",
        arguments: [
            ("2026-11-29T03:25:34Z", sampleMicros),
            ("2026-11-29t03:25:34z", sampleMicros),
            ("2026-11-29T04:25:34+01:00", sampleMicros),
            ("2026-11-28T22:25:34-05:00", sampleMicros),
            ("2026-11-29T03:25:34.5Z", sampleMicros + 500_000),
            ("2026-11-29T03:25:34.123456789Z", sampleMicros + 123_456),
        ])
    func timestamps(text: String, micros: Int64) throws {
        let line = #"{"v":1,"ts":"\#(text)","service":"s","outcome":"accepted"}"#
        #expect(try decoded(line).timestamp == micros)
    }

    @Test(
        "ts that is not RFC 3339 is invalid_field",
        arguments: [
            #""2026-11-29 03:25:34Z""#, #""2026-11-29T03:25:34""#, #""2026-02-30T00:00:00Z""#,
            #""2026-11-29T24:00:00Z""#,
            #""2026-11-29T03:25:34.1234567890Z""#, #""1795922734""#, "1795922734", #""""#, #""2026-11-29T03:25:60Z""#,
        ])
    func badTimestamps(value: String) throws {
        let rejected = try rejection(#"{"v":1,"ts":\#(value),"service":"s","outcome":"accepted"}"#)
        #expect(rejected.code == .invalidField)
        #expect(rejected.field == "ts")
    }

    @Test(
        "service must be 1–128 characters without control characters",
        arguments: [
            #""""#, "\"" + String(repeating: "a", count: 129) + "\"", #""a\u0001b""#, #""tab\there""#, #""del\u007f""#,
            #""c1\u0085""#, "7", "[\"s\"]",
        ])
    func badService(value: String) throws {
        let rejected = try rejection(#"{"v":1,"ts":"2026-11-29T03:25:34Z","service":\#(value),"outcome":"accepted"}"#)
        #expect(rejected.code == .invalidField)
        #expect(rejected.field == "service")
    }

    @Test("service counts characters, not bytes")
    func serviceCharacters() throws {
        let name = String(repeating: "é", count: 128)
        let line = #"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"\#(name)","outcome":"accepted"}"#
        #expect(try decoded(line).service == name)
    }

    @Test(
        "a string field of another type is invalid_field",
        arguments: [
            "iss", "sub", "jti", "alg", "kid", "typ", "scope", "client_id", "tenant", "user_agent", "family",
            "parent_jti", "jku", "x5u", "token_fp", "client_ip", "token",
        ])
    func stringFieldTypes(field: String) throws {
        for value in ["5", "true", "{}", #"["x"]"#] {
            let rejected = try rejection(eventLine(#","\#(field)":\#(value)"#))
            #expect(rejected.code == .invalidField)
            #expect(rejected.field == field)
        }
    }

    @Test("string fields are bounded by maxStringBytes, token_fp by 128 bytes")
    func stringBounds() throws {
        var limits = EventLimits()
        limits.maxStringBytes = 16
        let small = EventDecoder(limits: limits, fingerprinter: nil)
        #expect(
            try decoded(eventLine(#","sub":"\#(String(repeating: "x", count: 16))""#), decoder: small).subject?.count
                == 16)
        let long = try rejection(eventLine(#","sub":"\#(String(repeating: "x", count: 17))""#), decoder: small)
        #expect(long.code == .invalidField && long.field == "sub")
        // Escapes count once unescaped: 16 "\u0041" are 16 bytes.
        let escaped = String(repeating: #"\u0041"#, count: 16)
        #expect(
            try decoded(eventLine(#","sub":"\#(escaped)""#), decoder: small).subject
                == String(repeating: "A", count: 16))
        let fingerprint = try rejection(eventLine(#","token_fp":"\#(String(repeating: "a", count: 129))""#))
        #expect(fingerprint.code == .invalidField && fingerprint.field == "token_fp")
    }

    // MARK: Numbers

    @Test(
        "integers at the Int64 limits decode exactly",
        arguments: [
            ("9223372036854775807", Int64.max), ("-9223372036854775808", Int64.min), ("0", 0), ("-0", 0),
            ("-1", -1), ("1764386734", 1_764_386_734),
        ])
    func integerLimits(text: String, value: Int64) throws {
        let event = try decoded(eventLine(#","exp":\#(text),"iat":\#(text),"nbf":\#(text)"#))
        #expect(event.expiresAt == value && event.issuedAt == value && event.notBefore == value)
    }

    @Test(
        "integer fields reject fractions, exponents, strings, booleans and overflow",
        arguments: [
            "1.5", "1e3", "1.0", "1E3", #""5""#, "true", "[]", "{}", "9223372036854775808", "-9223372036854775809",
            "18446744073709551616", "123456789012345678901234567890",
        ])
    func badIntegers(value: String) throws {
        for field in ["exp", "iat", "nbf", "latency_us", "seq"] {
            let rejected = try rejection(eventLine(#","\#(field)":\#(value)"#))
            #expect(rejected.code == .invalidField)
            #expect(rejected.field == field)
        }
    }

    @Test("seq and latency_us must not be negative; exp may be")
    func negativeCounters() throws {
        for field in ["seq", "latency_us"] {
            let rejected = try rejection(eventLine(#","\#(field)":-1"#))
            #expect(rejected.code == .invalidField && rejected.field == field)
        }
        let event = try decoded(eventLine(#","seq":0,"latency_us":0,"exp":-5"#))
        #expect(event.sequence == 0 && event.latencyMicros == 0 && event.expiresAt == -5)
    }

    @Test(
        "malformed numbers are invalid_json",
        arguments: ["01", "-", "1.", ".5", "+1", "1e", "1e+", "0x10", "NaN", "Infinity", "--1"])
    func malformedNumbers(value: String) throws {
        #expect(try rejection(eventLine(#","seq":\#(value)"#)).code == .invalidJSON)
    }

    // MARK: aud, client_ip

    @Test("aud is a string or an array of strings")
    func audience() throws {
        #expect(try decoded(eventLine(#","aud":"api""#)).audience == .single("api"))
        #expect(try decoded(eventLine(#","aud":[ "a" , "b" ]"#)).audience == .list(["a", "b"]))
        #expect(try decoded(eventLine(#","aud":[]"#)).audience == .list([]))
        for value in ["5", #"["a",5]"#, #"{"a":"b"}"#, #"[["a"]]"#, "[null]", "true"] {
            let rejected = try rejection(eventLine(#","aud":\#(value)"#))
            #expect(rejected.code == .invalidField && rejected.field == "aud", "aud \(value)")
        }
    }

    @Test(
        "client_ip accepts IPv4 and IPv6 text and keeps it as given",
        arguments: [
            "203.0.113.7", "0.0.0.0", "2001:db8::1", "2001:DB8::1", "::1", "::", "::ffff:192.0.2.1",
            "fe80:0000:0000:0000:0202:b3ff:fe1e:8329",
        ])
    func clientIPs(address: String) throws {
        #expect(try decoded(eventLine(#","client_ip":"\#(address)""#)).clientIP == address)
    }

    @Test(
        "client_ip that is not an address is invalid_field",
        arguments: [
            "256.1.1.1", "1.2.3", "1.2.3.4.5", "01.2.3.4", "example.com", "", " 1.2.3.4", "1.2.3.4 ", "fe80::1%eth0",
            "2001:db8:::1", "1:2:3:4:5:6:7:8:9", "1.2.3.4\\u0000",
        ])
    func badClientIPs(address: String) throws {
        let rejected = try rejection(eventLine(#","client_ip":"\#(address)""#))
        #expect(rejected.code == .invalidField)
        #expect(rejected.field == "client_ip")
    }

    // MARK: Escapes and Unicode

    @Test(
        "string escapes and Unicode decode",
        arguments: [
            (#"\"\\\/\b\f\n\r\t"#, "\"\\/\u{8}\u{c}\n\r\t"),
            (#"\u00e9\u00E9"#, "éé"),
            (#"\ud83d\ude00"#, "😀"),
            (#"\uD83D\uDE00"#, "😀"),
            ("raw é 😀 中文", "raw é 😀 中文"),
            (#"nul\u0000inside"#, "nul\u{0}inside"),
            (#"\u2028\u2029"#, "\u{2028}\u{2029}"),
            (#"</script><script>alert(1)</script>"#, "</script><script>alert(1)</script>"),
        ])
    func escapes(json: String, text: String) throws {
        let event = try decoded(eventLine(#","sub":"\#(json)","attrs":{"\#(json)":"\#(json)"}"#))
        #expect(event.subject == text)
        #expect(event.attributes[text] == text)
    }

    @Test("keys are matched after unescaping")
    func escapedKeys() throws {
        let event = try decoded(#"{"\u0076":1,"t\u0073":"2026-11-29T03:25:34Z","service":"s","outcome":"accepted"}"#)
        #expect(event.timestamp == sampleMicros)
    }

    @Test(
        "bad escapes, lone surrogates and raw control characters are invalid_json",
        arguments: [
            #"\x"#, #"\u12"#, #"\u12G4"#, #"\ud800"#, #"\ud800x"#, #"\ud800\u0041"#, #"\udc00"#, #"\ude00\ud83d"#,
            #"\ud83d\ud83d"#, "tab\there", "new\nline", "\u{1}", #"\U00e9"#, #"\'"#,
        ])
    func badStrings(json: String) throws {
        let rejected = try rejection(eventLine(#","sub":"\#(json)""#))
        #expect(rejected.code == .invalidJSON)
        let inKey = try rejection(eventLine(#","\#(json)":"x""#))
        #expect(inKey.code == .invalidJSON)
    }

    @Test("a raw NUL byte is invalid_json; an escaped one is kept, except in service")
    func nulBytes() throws {
        var raw = Array(eventLine(#","sub":"a_b""#).utf8)
        raw[raw.firstIndex(of: UInt8(ascii: "_"))!] = 0
        #expect(try rejection(raw).code == .invalidJSON)
        var outside = Array(eventLine().utf8)
        outside.insert(0, at: 1)
        #expect(try rejection(outside).code == .invalidJSON)
        #expect(try decoded(eventLine(#","sub":"a\u0000b""#)).subject == "a\u{0}b")
        let service = try rejection(#"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"a\u0000b","outcome":"accepted"}"#)
        #expect(service.code == .invalidField && service.field == "service")
    }

    @Test(
        "invalid UTF-8 anywhere is invalid_utf8",
        arguments: [
            [0xC0, 0xAF], [0xC1, 0xBF], [0xE0, 0x80, 0xAF], [0xF0, 0x80, 0x80, 0xAF],  // overlong
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF],  // surrogates
            [0xF4, 0x90, 0x80, 0x80], [0xF5, 0x80, 0x80, 0x80], [0xFF], [0xFE],  // beyond U+10FFFF
            [0xE2, 0x82], [0xC3], [0xF0, 0x9F, 0x98],  // truncated
            [0x80], [0xBF, 0x41],  // stray continuation
            [0xC3, 0x41], [0xE2, 0x28, 0xA1],  // bad continuation
        ] as [[UInt8]])
    func invalidUTF8(sequence: [UInt8]) throws {
        let prefix = Array(#"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"s","outcome":"accepted","sub":"a"#.utf8)
        let inString = prefix + sequence + Array(#"z"}"#.utf8)
        #expect(try rejection(inString).code == .invalidUTF8)
        let inKey = Array(eventLine(",\"k").utf8.dropLast()) + sequence + Array(#"":"v"}"#.utf8)
        #expect(try rejection(inKey).code == .invalidUTF8)
        let afterObject = Array(eventLine().utf8) + sequence
        #expect(try rejection(afterObject).code == .invalidUTF8)
    }

    @Test("valid multi-byte UTF-8 at the edges of each length decodes")
    func validUTF8Edges() throws {
        for text in ["\u{80}", "\u{7FF}", "\u{800}", "\u{D7FF}", "\u{E000}", "\u{FFFF}", "\u{10000}", "\u{10FFFF}"] {
            #expect(try decoded(eventLine(#","sub":"\#(text)""#)).subject == text)
        }
    }

    // MARK: JSON structure

    @Test(
        "syntax errors are invalid_json with the byte offset",
        arguments: [
            "", " ", "[]", #""v""#, "1", "null", "{", "}", #"{"v":1"#, #"{"v":1,}"#, #"{"v" 1}"#, #"{"v":1 "ts":2}"#,
            #"{'v':1}"#, #"{v:1}"#, #"{"v":1}}"#, #"{"v":1}{}"#, #"{"v":1} x"#, #"{"v":1}/*c*/"#, #"{"v":tru}"#,
            #"{"v":nul}"#, #"{"v":1,,"ts":1}"#, #"{"v":[1,]}"#, #"{"x":{"a" "b"}}"#, #"{"x":[1 2]}"#, #"{"v":1,"x":}"#,
        ])
    func syntaxErrors(line: String) throws {
        let rejected = try rejection(line)
        #expect(rejected.code == .invalidJSON)
        #expect(
            rejected.message.contains("offset") || rejected.message.contains("end of line")
                || rejected.message.contains("empty") || rejected.message.contains("unterminated"))
    }

    @Test("the offset in a syntax error points at the bad byte")
    func syntaxOffset() throws {
        let rejected = try rejection(#"{"v":1;"ts":"x"}"#)
        #expect(rejected.message.contains("offset 6"))
    }

    @Test("every truncation of a valid line is invalid_json")
    func truncations() throws {
        let line = Array(eventLine(#","aud":["a","b"],"exp":17,"attrs":{"k":"v"},"x":{"n":[1,true,null]}"#).utf8)
        _ = try decoded(String(decoding: line, as: UTF8.self))
        for length in 0..<line.count {
            let rejected = try rejection(Array(line[..<length]))
            #expect(rejected.code == .invalidJSON, "truncated to \(length) bytes")
        }
    }

    @Test("whitespace between tokens and a trailing carriage return are allowed")
    func whitespace() throws {
        let line =
            " {\t\"v\" : 1 ,\r\n\"ts\":\"2026-11-29T03:25:34Z\", \"service\" :\"s\",\"outcome\":\"accepted\" } \r"
        #expect(try decoded(line).service == "s")
    }

    @Test(
        "duplicate keys are invalid_json naming the key",
        arguments: [
            (#"{"v":1,"v":1,"ts":"2026-11-29T03:25:34Z","service":"s","outcome":"accepted"}"#, "v"),
            (eventLine(#","sub":"a","sub":"b""#), "sub"),
            (eventLine(#","sub":null,"sub":"b""#), "sub"),
            (eventLine(#","sub":"a","s\u0075b":"b""#), "sub"),
            (eventLine(#","service":"t""#), "service"),
            (eventLine(#","x":"a","x":"b""#), "x"),
            (eventLine(#","x":null,"x":1"#), "x"),
            (eventLine(#","attrs":{"k":"a","k":"b"}"#), "k"),
            (eventLine(#","attrs":{"k":null,"k":"b"}"#), "k"),
            (eventLine(#","attrs":{"k":"a","\u006b":"b"}"#), "k"),
            (eventLine(#","attrs":{},"attrs":{}"#), "attrs"),
        ])
    func duplicateKeys(line: String, key: String) throws {
        let rejected = try rejection(line)
        #expect(rejected.code == .invalidJSON)
        #expect(rejected.field == key)
    }

    // MARK: Size limits

    @Test("a line longer than maxLineBytes is line_too_long, whatever it holds")
    func lineTooLong() throws {
        var limits = EventLimits()
        limits.maxLineBytes = 100
        let small = EventDecoder(limits: limits, fingerprinter: nil)
        let base = eventLine(#","sub":""#)
        let exact = base + String(repeating: "x", count: 100 - base.utf8.count - 2) + #""}"#
        #expect(exact.utf8.count == 100)
        #expect(try decoded(exact, decoder: small).service == "auth")
        let over = base + String(repeating: "x", count: 100 - base.utf8.count - 1) + #""}"#
        #expect(try rejection(over, decoder: small).code == .lineTooLong)
        #expect(try rejection([UInt8](repeating: 0xFF, count: 101), decoder: small).code == .lineTooLong)
        let huge = eventLine(#","sub":"\#(String(repeating: "x", count: 70_000))""#)
        #expect(try rejection(huge).code == .lineTooLong)
    }

    // MARK: Attributes and unknown fields

    @Test("attrs keeps string values; null entries are dropped")
    func attrs() throws {
        let event = try decoded(eventLine(#","attrs":{"region":"eu","empty":"","gone":null}"#))
        #expect(event.attributes == ["region": "eu", "empty": ""])
    }

    @Test(
        "attrs that is not an object of strings is invalid_field",
        arguments: [
            #"[]"#, #""a=b""#, "5", #"{"a":1}"#, #"{"a":true}"#, #"{"a":{"b":"c"}}"#, #"{"a":["b"]}"#,
        ])
    func badAttrs(value: String) throws {
        let rejected = try rejection(eventLine(#","attrs":\#(value)"#))
        #expect(rejected.code == .invalidField)
        #expect(rejected.field == "attrs")
    }

    @Test("attribute count and sizes are bounded, unknown top-level fields counting too")
    func attributeBounds() throws {
        var limits = EventLimits()
        limits.maxAttributes = 3
        limits.maxAttributeNameBytes = 8
        limits.maxAttributeValueBytes = 10
        let small = EventDecoder(limits: limits, fingerprinter: nil)
        #expect(try decoded(eventLine(#","a":"1","attrs":{"b":"2","c":"3"}"#), decoder: small).attributes.count == 3)
        let tooMany = try rejection(eventLine(#","a":"1","attrs":{"b":"2","c":"3","d":"4"}"#), decoder: small)
        #expect(tooMany.code == .invalidField && tooMany.field == "attrs")
        let tooManyUnknown = try rejection(eventLine(#","a":"1","b":"2","c":"3","d":4"#), decoder: small)
        #expect(tooManyUnknown.code == .invalidField && tooManyUnknown.field == "attrs")
        let longName = try rejection(eventLine(#","attrs":{"123456789":"v"}"#), decoder: small)
        #expect(longName.code == .invalidField && longName.field == "attrs")
        let longUnknownName = try rejection(eventLine(#","123456789":"v""#), decoder: small)
        #expect(longUnknownName.code == .invalidField && longUnknownName.field == "attrs")
        let longValue = try rejection(eventLine(#","attrs":{"k":"12345678901"}"#), decoder: small)
        #expect(longValue.code == .invalidField && longValue.field == "attrs")
        let longUnknownValue = try rejection(eventLine(#","k":[1,2,3,4,5,6]"#), decoder: small)
        #expect(longUnknownValue.code == .invalidField && longUnknownValue.field == "k")
        #expect(try decoded(eventLine(#","k":[1,2,3,4]"#), decoder: small).attributes["k"] == "[1,2,3,4]")
    }

    @Test(
        "unknown top-level fields go into attributes, non-strings as compact JSON",
        arguments: [
            (#""eu""#, "eu"), ("5", "5"), ("-1.5e3", "-1.5e3"), ("true", "true"), ("false", "false"),
            (#"{ "a" : [ 1 , 2 ] , "b" : { } }"#, #"{"a":[1,2],"b":{}}"#), (#"[ ]"#, "[]"),
            (#"["x\"y",null]"#, #"["x\"y",null]"#), (#""\u00e9""#, "é"),
        ])
    func unknownFields(json: String, stored: String) throws {
        let event = try decoded(eventLine(#","region":\#(json)"#))
        #expect(event.attributes == ["region": stored])
    }

    @Test("an attrs entry wins over an unknown top-level field of the same name")
    func attrsWins() throws {
        let before = try decoded(eventLine(#","region":"top","attrs":{"region":"attrs"}"#))
        #expect(before.attributes == ["region": "attrs"])
        let after = try decoded(eventLine(#","attrs":{"region":"attrs"},"region":5"#))
        #expect(after.attributes == ["region": "attrs"])
    }

    @Test("unknown fields nest up to maxNestingDepth; deeper is invalid_field naming the field")
    func nesting() throws {
        let atLimit = String(repeating: "[", count: 16) + String(repeating: "]", count: 16)
        #expect(try decoded(eventLine(#","deep":\#(atLimit)"#)).attributes["deep"] == atLimit)
        let beyond = String(repeating: #"{"a":"#, count: 17) + "1" + String(repeating: "}", count: 17)
        let rejected = try rejection(eventLine(#","deep":\#(beyond)"#))
        #expect(rejected.code == .invalidField && rejected.field == "deep")
        // Very deep nesting is handled without recursion.
        let abyss = String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000)
        #expect(try rejection(eventLine(#","deep":\#(abyss)"#)).code == .invalidField)
        let unbalanced = String(repeating: "[", count: 30_000)
        #expect(try rejection(eventLine(#","deep":\#(unbalanced)"#)).code == .invalidJSON)
    }

    // MARK: Error precedence and secrecy

    @Test("syntax errors win over field errors, and the first invalid field wins over later ones")
    func precedence() throws {
        #expect(try rejection(#"{"v":1,"ts":"bad","service":"s","outcome":"accepted","x":}"#).code == .invalidJSON)
        let first = try rejection(eventLine(#","seq":-1,"exp":"x""#))
        #expect(first.field == "seq")
        let invalidBeforeMissing = try rejection(#"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"s","exp":1.5}"#)
        #expect(invalidBeforeMissing.code == .invalidField && invalidBeforeMissing.field == "exp")
    }

    @Test("error messages never quote the values of the line")
    func messagesDoNotQuoteValues() throws {
        let secret = "S3CRET-VALUE"
        let lines = [
            #"{"v":1,"ts":"\#(secret)","service":"s","outcome":"accepted"}"#,
            #"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"s","outcome":"\#(secret)"}"#,
            eventLine(#","client_ip":"\#(secret)""#),
            eventLine(#","reason":"\#(secret)""#),
            eventLine(#","exp":"\#(secret)""#),
            eventLine(#","sub":"\#(secret)\x""#),
            eventLine(#","sub":"\#(secret)"#),
            eventLine(#","token":"\#(secret)", "token":"x""#),
            eventLine(#","attrs":{"k":"\#(secret)","k":"v"}"#),
            #"{"v":"\#(secret)"}"#,
            "\(secret)",
        ]
        for line in lines {
            let rejected = try rejection(line)
            #expect(!rejected.message.contains(secret), "\(rejected)")
            #expect(!(rejected.field ?? "").contains(secret), "\(rejected)")
        }
    }

    @Test("String and byte-buffer entry points agree")
    func entryPoints() throws {
        let line = eventLine(#","sub":"é","attrs":{"a":"b"}"#)
        let fromBytes = Array(line.utf8).withUnsafeBytes { decoder.decode($0) }
        #expect(fromBytes == decoder.decode(line))
    }

    // MARK: The token

    static let header = #"{"alg":"RS256","kid":"key-7","typ":"JWT","jku":"https://idp/jwks","x5u":"https://idp/x5u"}"#
    static let claims = """
        {"iss":"https://idp","sub":"alice","jti":"tok-1","aud":["api","web"],"exp":1764386734,"iat":1764383134,\
        "nbf":1764383100,"scope":"read","client_id":"web-app","tenant":"acme","roles":{"nested":[1,{"x":null}]}}
        """
    static let token = makeToken(header: header, claims: claims)

    @Test("the token fills header and claim fields the event lacks")
    func tokenFillsMissingFields() throws {
        let event = try decoded(eventLine(#","token":"\#(Self.token)""#))
        #expect(event.algorithm == "RS256")
        #expect(event.keyID == "key-7")
        #expect(event.type == "JWT")
        #expect(event.jwkSetURL == "https://idp/jwks")
        #expect(event.x509URL == "https://idp/x5u")
        #expect(event.issuer == "https://idp")
        #expect(event.subject == "alice")
        #expect(event.tokenID == "tok-1")
        #expect(event.audience == .list(["api", "web"]))
        #expect(event.expiresAt == 1_764_386_734)
        #expect(event.issuedAt == 1_764_383_134)
        #expect(event.notBefore == 1_764_383_100)
        #expect(event.scope == "read")
        #expect(event.clientID == "web-app")
        #expect(event.tenant == "acme")
        #expect(event.tokenFingerprint == nil)
        #expect(event.attributes.isEmpty)
    }

    @Test("fields the event has are not overwritten by the token")
    func eventFieldsWin() throws {
        let event = try decoded(
            eventLine(
                #","alg":"none","sub":"bob","aud":"other","exp":5,"iss":null,"token":"\#(Self.token)""#))
        #expect(event.algorithm == "none")
        #expect(event.subject == "bob")
        #expect(event.audience == .single("other"))
        #expect(event.expiresAt == 5)
        #expect(event.issuer == "https://idp")  // null means absent, so the token fills it
        #expect(event.keyID == "key-7")
    }

    @Test("the fingerprint is TokenFingerprinter's and overrides a client-sent token_fp")
    func fingerprint() throws {
        let fingerprinter = TokenFingerprinter(secret: Array("a store secret of thirty-two bytes".utf8))
        let withFingerprint = EventDecoder(fingerprinter: fingerprinter)
        let event = try decoded(
            eventLine(#","token_fp":"client-value","token":"\#(Self.token)""#), decoder: withFingerprint)
        #expect(event.tokenFingerprint == fingerprinter.fingerprint(Self.token))
        #expect(event.tokenFingerprint?.count == 32)
        // Without a token, the client's token_fp is kept.
        let clientOnly = try decoded(eventLine(#","token_fp":"client-value""#), decoder: withFingerprint)
        #expect(clientOnly.tokenFingerprint == "client-value")
        // Without a fingerprinter, the token sets nothing.
        #expect(
            try decoded(eventLine(#","token_fp":"client-value","token":"\#(Self.token)""#)).tokenFingerprint
                == "client-value")
    }

    @Test("a token with JSON escapes is unescaped before fingerprinting and reading")
    func escapedToken() throws {
        let fingerprinter = TokenFingerprinter(secret: Array("another secret for the escaped case".utf8))
        let escaped = Self.token.replacingDots(with: #"\u002e"#)
        let event = try decoded(
            eventLine(#","token":"\#(escaped)""#), decoder: EventDecoder(fingerprinter: fingerprinter))
        #expect(event.tokenFingerprint == fingerprinter.fingerprint(Self.token))
        #expect(event.subject == "alice")
        let slashed = try decoded(eventLine(#","token":"a\/b""#), decoder: EventDecoder(fingerprinter: fingerprinter))
        #expect(slashed.tokenFingerprint == fingerprinter.fingerprint("a/b"))
    }

    @Test("the raw token and its segments appear nowhere in the decoded event")
    func tokenIsDropped() throws {
        let fingerprinter = TokenFingerprinter(secret: Array("yet another secret, long enough..".utf8))
        let line = eventLine(#","token":"\#(Self.token)","extra":"kept""#)
        let event = try decoded(line, decoder: EventDecoder(fingerprinter: fingerprinter))
        let description = String(describing: event) + String(reflecting: event)
        let segments = Self.token.split(separator: ".").map(String.init)
        #expect(!description.contains(Self.token))
        for segment in segments { #expect(!description.contains(segment)) }
        #expect(event.attributes == ["extra": "kept"])
        #expect(!EventJSON.encode(event).contains(segments[1]))
    }

    @Test(
        "a token that does not decode fills nothing and does not reject the event",
        arguments: [
            "", "not-a-jwt", "a.b.c", "!!!.???.###", "a.b", "a.b.c.d", ".", "..", "a.b.c.d.e.f",
            makeToken(header: "not json", claims: "[1,2]"),
            makeToken(header: #"{"alg":"RS256""#, claims: #"{"sub":"x"} trailing"#),
            makeToken(header: #"["alg"]"#, claims: #""sub""#),
            base64URL(#"{"alg":"RS256"}"#) + "=.e30.x",
            makeToken(header: #"{"alg":"RS256","alg":"none"}"#, claims: #"{"sub":"a","sub":"b"}"#),
        ])
    func garbageTokens(token: String) throws {
        let event = try decoded(eventLine(#","token":"\#(token)""#))
        #expect(event.algorithm == nil && event.subject == nil && event.issuer == nil)
        #expect(event.attributes.isEmpty)
    }

    @Test("a token segment with invalid UTF-8 fills nothing")
    func tokenWithInvalidUTF8() throws {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
        // {"sub":"\xFF"} base64url-encoded by hand.
        let bytes: [UInt8] = Array(#"{"sub":""#.utf8) + [0xFF] + Array(#""}"#.utf8)
        var encoded = ""
        var index = 0
        while index < bytes.count {
            let chunk = bytes[index..<min(index + 3, bytes.count)]
            var value = 0
            for byte in chunk { value = value << 8 | Int(byte) }
            value <<= 8 * (3 - chunk.count)
            for position in 0..<(chunk.count + 1) { encoded.append(alphabet[(value >> (18 - 6 * position)) & 0x3F]) }
            index += 3
        }
        let event = try decoded(eventLine(#","token":"e30.\#(encoded).sig""#))
        #expect(event.subject == nil)
    }

    @Test("claims of the wrong type are skipped one by one")
    func wrongClaimTypes() throws {
        let token = makeToken(
            header: #"{"alg":5,"kid":"k"}"#,
            claims: #"{"sub":7,"iss":"https://idp","aud":[1],"exp":"soon","iat":1764383134.9,"nbf":1e9,"scope":null}"#)
        let event = try decoded(eventLine(#","token":"\#(token)""#))
        #expect(event.algorithm == nil && event.keyID == "k")
        #expect(event.subject == nil && event.issuer == "https://idp" && event.audience == nil)
        #expect(event.expiresAt == nil && event.notBefore == nil && event.scope == nil)
        #expect(event.issuedAt == 1_764_383_134)  // NumericDate fractions keep whole seconds
    }

    @Test("a JWE gives only its header; a JWS with alg none still gives its claims")
    func tokenShapes() throws {
        let header = base64URL(#"{"alg":"RSA-OAEP","enc":"A256GCM","kid":"enc-1"}"#)
        let jwe = "\(header).a2V5.aXY.Y2lwaGVy.dGFn"
        let event = try decoded(eventLine(#","token":"\#(jwe)""#))
        #expect(event.algorithm == "RSA-OAEP" && event.keyID == "enc-1" && event.subject == nil)
        let unsecured = makeToken(header: #"{"alg":"none"}"#, claims: #"{"sub":"mallory"}"#, signature: "")
        let none = try decoded(eventLine(#","token":"\#(unsecured)""#))
        #expect(none.algorithm == "none" && none.subject == "mallory")
    }

    @Test("a token longer than maxStringBytes is invalid_field without quoting it")
    func tokenTooLong() throws {
        var limits = EventLimits()
        limits.maxStringBytes = 64
        let longToken = makeToken(header: Self.header, claims: Self.claims)
        let rejected = try rejection(
            eventLine(#","token":"\#(longToken)""#), decoder: EventDecoder(limits: limits, fingerprinter: nil))
        #expect(rejected.code == .invalidField && rejected.field == "token")
        #expect(!rejected.message.contains(longToken.prefix(10)))
    }

    // MARK: Robustness

    @Test("random corruptions of a valid line never crash and are always answered")
    func corruptions() {
        let line = Array(
            eventLine(#","sub":"é\u00e9","aud":["a"],"x":{"y":[1,2.5,"z"]},"token":"\#(Self.token)""#).utf8)
        var generator = SplitMix64(seed: 42)
        let fingerprinter = TokenFingerprinter(secret: Array(repeating: 1, count: 32))
        let decoder = EventDecoder(fingerprinter: fingerprinter)
        let interesting: [UInt8] = [0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x3A, 0x2C, 0x00, 0x80, 0xC3, 0xED, 0xFF, 0x75]
        var accepted = 0
        for _ in 0..<20_000 {
            var bytes = line
            for _ in 0...Int(generator.next() % 3) {
                let position = Int(generator.next() % UInt64(bytes.count))
                switch generator.next() % 3 {
                case 0: bytes[position] = interesting[Int(generator.next() % UInt64(interesting.count))]
                case 1: bytes.remove(at: position)
                default: bytes.insert(UInt8(truncatingIfNeeded: generator.next()), at: position)
                }
            }
            if case .success = bytes.withUnsafeBytes({ decoder.decode($0) }) { accepted += 1 }
        }
        #expect(accepted < 20_000)
    }
}

/// A small deterministic random number generator for reproducible corruption tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64

    init(seed: UInt64) { state = seed }

    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var value = state
        value = (value ^ (value >> 30)) &* 0xBF58_476D_1CE4_E5B9
        value = (value ^ (value >> 27)) &* 0x94D0_49BB_1331_11EB
        return value ^ (value >> 31)
    }
}

extension String {
    fileprivate func replacingDots(with replacement: String) -> String {
        split(separator: ".", omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
