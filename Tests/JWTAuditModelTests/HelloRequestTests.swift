import JWTAuditModel
import Testing

@Suite struct HelloRequestTests {
    @Test("the documented hello line parses")
    func documentedHello() {
        let parsed = HelloRequest.parse(#"{"hello":{"version":1,"ack":true,"client":"billing-7"}}"#)
        #expect(parsed == .hello(HelloRequest(version: 1, acknowledged: true, client: "billing-7")))
    }

    @Test(
        "ack defaults to false and client is optional",
        arguments: [
            #"{"hello":{"version":1}}"#, #"{"hello":{"version":1,"ack":false}}"#,
            #"{"hello":{"version":1,"client":null,"ack":null}}"#, " { \"hello\" : { \"version\" : 1 } } \r",
            #"{"hello":{"ack":false,"future":{"x":[1]},"version":1}}"#, #"{"h\u0065llo":{"version":1}}"#,
        ])
    func defaults(line: String) {
        #expect(HelloRequest.parse(line) == .hello(HelloRequest(version: 1, acknowledged: false, client: nil)))
    }

    @Test(
        "a hello with a wrong content is invalid, naming the field",
        arguments: [
            (#"{"hello":{"version":2,"ack":true}}"#, RejectionCode.unsupportedVersion, "hello.version"),
            (#"{"hello":{"version":0}}"#, .unsupportedVersion, "hello.version"),
            (#"{"hello":{"ack":true}}"#, .missingField, "hello.version"),
            (#"{"hello":{"version":null}}"#, .missingField, "hello.version"),
            (#"{"hello":{"version":"1"}}"#, .invalidField, "hello.version"),
            (#"{"hello":{"version":1.5}}"#, .invalidField, "hello.version"),
            (#"{"hello":{"version":1,"ack":"yes"}}"#, .invalidField, "hello.ack"),
            (#"{"hello":{"version":1,"ack":1}}"#, .invalidField, "hello.ack"),
            (#"{"hello":{"version":1,"client":""}}"#, .invalidField, "hello.client"),
            (#"{"hello":{"version":1,"client":7}}"#, .invalidField, "hello.client"),
            (#"{"hello":{"version":1,"client":"a\nb"}}"#, .invalidField, "hello.client"),
            (
                #"{"hello":{"version":1,"client":"\#(String(repeating: "c", count: 129))"}}"#, .invalidField,
                "hello.client"
            ),
            (#"{"hello":{"version":1,"version":1}}"#, .invalidJSON, "hello.version"),
            (#"{"hello":true}"#, .invalidField, "hello"),
            (#"{"hello":"v1"}"#, .invalidField, "hello"),
        ])
    func invalid(line: String, code: RejectionCode, field: String) throws {
        guard case .invalid(let rejection) = HelloRequest.parse(line) else {
            Issue.record("not invalid: \(HelloRequest.parse(line))")
            return
        }
        #expect(rejection.code == code)
        #expect(rejection.field == field)
    }

    @Test("a client name of 128 bytes is accepted")
    func longestClient() {
        let name = String(repeating: "é", count: 64)
        #expect(
            HelloRequest.parse(#"{"hello":{"version":1,"client":"\#(name)"}}"#)
                == .hello(HelloRequest(version: 1, acknowledged: false, client: name)))
    }

    @Test(
        "any other line is not a hello",
        arguments: [
            eventLine(), #"{"hello":{"version":1},"v":1}"#, #"{"v":1,"hello":{"version":1}}"#, #"{"hi":{"version":1}}"#,
            #"{"hello":{"version":1}"#, #"{"hello":{"version":1}}x"#, #"{"hello":{"version":1,}}"#, "[]", "", "hello",
            #"{}"#, #"{"Hello":{"version":1}}"#, #"[{"hello":{"version":1}}]"#,
        ])
    func notHello(line: String) {
        #expect(HelloRequest.parse(line) == .notHello)
    }

    @Test("a line with invalid UTF-8 is not a hello")
    func invalidUTF8() {
        let bytes = Array(#"{"hello":{"version":1,"client":""#.utf8) + [0xC0, 0xAF] + Array(#""}}"#.utf8)
        #expect(bytes.withUnsafeBytes { HelloRequest.parse($0) } == .notHello)
        #expect(bytes.withUnsafeBytes { HelloParse.parse($0) } == .notHello)
    }
}
