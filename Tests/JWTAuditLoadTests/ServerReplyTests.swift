import Testing

@testable import JWTAuditLoad

@Suite("ServerReply parsing")
struct ServerReplyTests {
    @Test(
        "parses each kind of reply",
        arguments: [
            (#"{"ack":0}"#, ServerReply.ack(0)),
            (#"{"ack":123456}"#, ServerReply.ack(123_456)),
            (#"{ "ack" : 42 }"#, ServerReply.ack(42)),
            (#"{"hello":{"version":1,"max_line":65536}}"#, ServerReply.hello(version: 1, maxLine: 65_536)),
            (#"{"hello":{"max_line":100,"version":2}}"#, ServerReply.hello(version: 2, maxLine: 100)),
            (
                #"{"error":{"line":3,"code":"missing_field","field":"ts","message":"required"}}"#,
                ServerReply.error(ServerError(line: 3, code: "missing_field", field: "ts", message: "required"))
            ),
            (
                #"{"error":{"line":9,"code":"invalid_json","message":"unexpected end"}}"#,
                ServerReply.error(ServerError(line: 9, code: "invalid_json", field: nil, message: "unexpected end"))
            ),
            (#"{"stats":{}}"#, ServerReply.unknown(#"{"stats":{}}"#)),
            ("not json", ServerReply.unknown("not json")),
        ]
    )
    func parse(line: String, expected: ServerReply) {
        #expect(ServerReply.parse(Array(line.utf8)) == expected)
    }

    @Test("formats an error as the CLI prints it")
    func errorText() {
        let withField = ServerError(line: 4, code: "invalid_field", field: "exp", message: "not an integer")
        #expect(withField.description == "line 4: invalid_field exp: not an integer")
        let withoutField = ServerError(line: 5, code: "invalid_json", message: "bad")
        #expect(withoutField.description == "line 5: invalid_json: bad")
    }
}
