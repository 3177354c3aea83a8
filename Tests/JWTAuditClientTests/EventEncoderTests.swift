import Testing

@testable import JWTAuditClient

@Suite struct EventEncoderTests {
    private func line(_ event: JWTAuditEvent, seq: Int64 = 7) -> String {
        var output: [UInt8] = []
        EventEncoder.append(event, seq: seq, defaultService: "billing", to: &output)
        return String(decoding: output, as: UTF8.self)
    }

    @Test("a rejection becomes one protocol line with the client's service, seq and a UTC timestamp")
    func rejection() {
        var event = JWTAuditEvent.rejected(.notYetValid)
        event.timestampMicros = 1_764_000_000_123_456
        event.sub = "alice"
        event.aud = ["api", "admin"]
        event.exp = 1_764_000_600
        event.clientIP = "2001:db8::1"
        #expect(
            line(event)
                == #"{"v":1,"ts":"2025-11-24T16:00:00.123456Z","service":"billing","outcome":"rejected","#
                + #""reason":"not_yet_valid","sub":"alice","aud":["api","admin"],"exp":1764000600,"#
                + #""client_ip":"2001:db8::1","seq":7}"# + "\n"
        )
    }

    @Test("quotes, backslashes, newlines and control characters are escaped; one audience is a string")
    func escaping() {
        var event = JWTAuditEvent(kind: .revoke)
        event.timestampMicros = 951_782_400_000_001
        event.service = "svc"
        event.sub = "a\"b\\c\nd\u{01}é"
        event.aud = ["only"]
        #expect(
            line(event, seq: 1)
                == #"{"v":1,"ts":"2000-02-29T00:00:00.000001Z","service":"svc","kind":"revoke","#
                + #""sub":"a\"b\\c\nd\u0001é","aud":"only","seq":1}"# + "\n"
        )
    }

    @Test("the daemon's replies are parsed: hello, ack, error with escapes, unknown lines")
    func replies() {
        func parse(_ text: String) -> DaemonReply {
            Array(text.utf8).withUnsafeBytes { DaemonReply.parse($0) }
        }
        #expect(parse(#"{"hello":{"version":1,"max_line":65536}}"#) == .hello(version: 1, maxLine: 65_536))
        #expect(parse(#"{"ack":12345}"#) == .ack(12_345))
        #expect(
            parse(#"{"error":{"line":3,"code":"invalid_field","field":"client_ip","message":"not an \"IP\""}}"#)
                == .error(line: 3, code: "invalid_field", field: "client_ip", message: #"not an "IP""#)
        )
        #expect(parse(#"{"future":[1,2,{"x":true}]}"#) == .unknown)
        #expect(parse("not json") == .unknown)
    }
}
