import JWTAuditModel
import Testing

@Suite struct EventJSONTests {
    /// An event with every wire field set (collector fields left at zero).
    static func fullEvent() -> AuditEvent {
        var event = AuditEvent(
            timestamp: 1_795_922_734_123_456, service: "payments", kind: .validate, outcome: .rejected,
            reason: .audienceMismatch, tokenType: .refresh)
        event.issuer = "https://idp.example"
        event.subject = "user-1"
        event.tokenID = "id-1"
        event.algorithm = "RS256"
        event.keyID = "key-1"
        event.type = "JWT"
        event.scope = "read write"
        event.clientID = "web"
        event.tenant = "acme"
        event.audience = .list(["api", "web"])
        event.expiresAt = Int64.max
        event.issuedAt = Int64.min
        event.notBefore = 0
        event.clientIP = "2001:db8::1"
        event.userAgent = "curl/8.5"
        event.family = "fam"
        event.parentTokenID = "id-0"
        event.latencyMicros = 250
        event.jwkSetURL = "https://idp.example/jwks"
        event.x509URL = "https://idp.example/x5u"
        event.sequence = 42
        event.tokenFingerprint = "9f86d081884c7d659a2feaa0c55ad015"
        event.attributes = ["zone": "b", "app": "a"]
        return event
    }

    @Test("a minimal event is the required fields with defaults")
    func minimal() {
        let event = AuditEvent(timestamp: 1_795_922_734_000_000, service: "auth", outcome: .accepted)
        #expect(
            EventJSON.encode(event)
                == #"{"v":1,"ts":"2026-11-29T03:25:34Z","service":"auth","kind":"validate","outcome":"accepted","#
                + #""token_type":"access"}"#
        )
    }

    @Test("fields come in the documented order")
    func order() {
        let expected =
            #"{"v":1,"ts":"2026-11-29T03:25:34.123456Z","service":"payments","kind":"validate","#
            + #""outcome":"rejected","reason":"audience_mismatch","token_type":"refresh","iss":"https://idp.example","#
            + #""sub":"user-1","jti":"id-1","alg":"RS256","kid":"key-1","typ":"JWT","scope":"read write","#
            + #""client_id":"web","tenant":"acme","aud":["api","web"],"exp":9223372036854775807,"#
            + #""iat":-9223372036854775808,"nbf":0,"client_ip":"2001:db8::1","user_agent":"curl/8.5","#
            + #""family":"fam","parent_jti":"id-0","latency_us":250,"jku":"https://idp.example/jwks","#
            + #""x5u":"https://idp.example/x5u","seq":42,"token_fp":"9f86d081884c7d659a2feaa0c55ad015","#
            + #""attrs":{"app":"a","zone":"b"}}"#
        #expect(EventJSON.encode(Self.fullEvent()) == expected)
    }

    @Test("collector fields follow the wire fields once the event has been received")
    func collectorFields() {
        var event = AuditEvent(timestamp: 0, service: "s", kind: .revoke)
        event.receivedAt = 1_795_922_734_500_000
        event.peerUID = 0
        event.peerGID = 1000
        event.peerPID = 4242
        event.producer = "billing-7"
        #expect(
            EventJSON.encode(event)
                == #"{"v":1,"ts":"1970-01-01T00:00:00Z","service":"s","kind":"revoke","token_type":"access","#
                + #""received_at":"2026-11-29T03:25:34.500Z","peer_uid":0,"peer_gid":1000,"peer_pid":4242,"#
                + #""producer":"billing-7"}"#)
    }

    @Test("a single audience is a string")
    func singleAudience() {
        var event = AuditEvent(timestamp: 0, service: "s", outcome: .accepted)
        event.audience = .single("api")
        #expect(
            EventJSON.encode(event).contains(#","aud":"api","#) || EventJSON.encode(event).hasSuffix(#","aud":"api"}"#))
    }

    @Test(
        "strings are escaped so the output stays one line",
        arguments: [
            ("quote \" backslash \\", #""quote \" backslash \\""#),
            ("line\nbreak\r\ttab", #""line\u000abreak\u000d\u0009tab""#),
            ("nul \u{0} bell \u{7} esc \u{1B} us \u{1F}", #""nul \u0000 bell \u0007 esc \u001b us \u001f""#),
            ("</script><script>alert(1)</script>", #""</script><script>alert(1)</script>""#),
            ("js \u{2028} \u{2029} end", #""js \u2028 \u2029 end""#),
            ("é 中文 😀 \u{7F}", "\"é 中文 😀 \u{7F}\""),
            ("", #""""#),
        ])
    func escaping(text: String, json: String) {
        var buffer: [UInt8] = []
        EventJSON.appendEscaped(text, to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == json)
        var event = AuditEvent(timestamp: 0, service: "s", outcome: .accepted)
        event.userAgent = text
        event.attributes = [text: text]
        let line = EventJSON.encode(event)
        #expect(!line.utf8.contains(UInt8(ascii: "\n")) && !line.utf8.contains(UInt8(ascii: "\r")))
        #expect(!line.contains("\u{2028}") && !line.contains("\u{2029}"))
    }

    @Test("appendEscaped appends to what the buffer holds")
    func appendEscapedAppends() {
        var buffer = Array(#"{"message":"#.utf8)
        EventJSON.appendEscaped("bad \"field\"", to: &buffer)
        buffer.append(UInt8(ascii: "}"))
        #expect(String(decoding: buffer, as: UTF8.self) == #"{"message":"bad \"field\""}"#)
    }

    @Test("append adds to an existing buffer and encode equals append")
    func appendMatchesEncode() {
        var buffer = Array("prefix ".utf8)
        EventJSON.append(Self.fullEvent(), to: &buffer)
        #expect(String(decoding: buffer, as: UTF8.self) == "prefix " + EventJSON.encode(Self.fullEvent()))
    }

    @Test("decoding the encoded event gives the event back")
    func roundTrip() throws {
        let event = Self.fullEvent()
        #expect(try decoded(EventJSON.encode(event)) == event)
    }

    @Test(
        "nasty strings survive the round trip",
        arguments: [
            "quote \" backslash \\ slash /", "line\nbreak\r\n", "nul \u{0} and \u{1F}", "</script><script>x</script>",
            "\u{2028}\u{2029}", "é 中文 😀 \u{10FFFF}", "\u{7F}\u{80}\u{9F}", "{\"looks\":\"like json\"}", "",
        ])
    func nastyRoundTrip(text: String) throws {
        var event = AuditEvent(timestamp: -1, service: "svc", kind: .rotate, outcome: nil, reason: nil, tokenType: .id)
        event.parentTokenID = text
        event.subject = text
        event.userAgent = text
        event.audience = .list([text, text + "2"])
        event.attributes = [text: text, "k": text]
        #expect(try decoded(EventJSON.encode(event)) == event)
    }

    @Test("collector fields come back as attributes, since they are not wire fields")
    func collectorFieldsAreNotWireFields() throws {
        var event = AuditEvent(timestamp: 0, service: "s", outcome: .accepted)
        event.receivedAt = 1_000_000
        event.peerUID = 7
        event.producer = "p"
        let back = try decoded(EventJSON.encode(event))
        #expect(back.receivedAt == 0 && back.peerUID == 0 && back.producer == nil)
        #expect(
            back.attributes == [
                "received_at": "1970-01-01T00:00:01Z", "peer_uid": "7", "peer_gid": "0", "peer_pid": "0",
                "producer": "p",
            ])
    }
}
