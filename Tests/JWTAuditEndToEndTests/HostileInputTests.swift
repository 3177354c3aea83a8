import Foundation
import Glibc
import JWTAuditTesting
import Testing

/// Hostile lines through the real daemon: each is rejected alone with the right code and field, or
/// stored so that it comes back exactly; the connection and the daemon go on after every one.
@Suite("Hostile input", .serialized)
struct HostileInputTests {
    @Test("every line of the corpus in Tests/Corpus/hostile is rejected alone or stored exactly")
    func corpus() throws {
        let cases = try HostileCorpus.load()
        #expect(cases.count >= 60)
        try withDaemon { daemon in
            let exchange = try HostileExchange(daemon, client: "corpus")
            for hostile in cases {
                switch hostile.outcome {
                case .rejected(let code, let field):
                    try exchange.expectRejected(hostile.bytes, hostile.name, code: code, field: field)
                case .stored:
                    let error = try exchange.send(hostile.bytes, label: hostile.name)
                    #expect(error == nil, "\(hostile.name): rejected with \(error ?? [:])")
                }
            }
            let events = try searchEvents(daemon.dataPath)
            let byID = Dictionary(events.compactMap { e in (e["jti"] as? String).map { ($0, e) } }) { first, _ in first
            }
            for hostile in cases {
                guard case .stored(let expected) = hostile.outcome else { continue }
                expectStored(byID["case-" + hostile.name], expected, hostile.name)
            }
            let subjects = Set(events.compactMap { $0["sub"] as? String })
            #expect(exchange.goodSubjects.allSatisfy(subjects.contains), "a good line after a hostile one was lost")
            let storedCount = cases.filter { if case .stored = $0.outcome { true } else { false } }.count
            #expect(events.count == storedCount + exchange.goodSubjects.count)
        }
    }

    /// The schema of version 1 by value kind, for the wrong-type table.
    static let schema: [(field: String, kind: ValueKind)] = [
        ("v", .version), ("ts", .timestamp), ("service", .service), ("kind", .name), ("outcome", .name),
        ("reason", .name), ("token_type", .name), ("iss", .string), ("sub", .string), ("jti", .string),
        ("alg", .string), ("kid", .string), ("typ", .string), ("scope", .string), ("client_id", .string),
        ("tenant", .string), ("aud", .audience), ("exp", .integer), ("iat", .integer), ("nbf", .integer),
        ("client_ip", .address), ("user_agent", .string), ("family", .string), ("parent_jti", .string),
        ("latency_us", .integer), ("jku", .string), ("x5u", .string), ("seq", .integer), ("token", .string),
        ("token_fp", .string), ("attrs", .attributes),
    ]

    enum ValueKind {
        case version, timestamp, service, name, string, audience, integer, address, attributes

        /// JSON values of the wrong type (or an impossible value) for this kind.
        var wrongValues: [String] {
            let notString = ["5", "-1.5", "true", "false", "{}", "[]", "[\"a\"]", "{\"a\":\"b\"}"]
            switch self {
            case .version: return ["\"1\"", "true", "{}", "[]", "[1]", "1.5", "1e0"]
            case .timestamp: return notString + ["\"yesterday\"", "\"\"", "1764410400"]
            case .service: return notString + ["\"\""]
            case .name: return notString + ["\"bogus\"", "\"\""]
            case .string: return notString
            case .audience: return ["5", "true", "{}", "[5]", "[[\"a\"]]", "[\"a\",null]", "[\"a\",{}]"]
            case .integer: return ["\"5\"", "true", "{}", "[]", "[5]", "1.5", "1e3", "1.0", "-0.0"]
            case .address: return notString + ["\"not-an-ip\"", "\"999.1.1.1\"", "\"\""]
            case .attributes: return ["\"x\"", "5", "true", "[]", "[\"a\"]", "{\"k\":5}", "{\"k\":{}}", "{\"k\":[]}"]
            }
        }
    }

    /// A valid line with `field` set to the raw JSON `value`.
    static func line(_ field: String, _ value: String) -> [UInt8] {
        var members: [(String, String)] = [
            ("v", "1"), ("ts", "\"2026-11-29T10:00:00Z\""), ("service", "\"payments\""), ("outcome", "\"rejected\""),
            ("reason", "\"expired\""),
        ]
        if let index = members.firstIndex(where: { $0.0 == field }) {
            members[index].1 = value
        } else {
            members.append((field, value))
        }
        return Array(("{" + members.map { "\"\($0.0)\":\($0.1)" }.joined(separator: ",") + "}").utf8)
    }

    @Test("every field of the schema given a value of the wrong type is invalid_field naming that field")
    func wrongTypes() throws {
        try withDaemon { daemon in
            let exchange = try HostileExchange(daemon, client: "wrong-types")
            var count = 0
            for (field, kind) in Self.schema {
                for value in kind.wrongValues {
                    try exchange.expectRejected(
                        Self.line(field, value),
                        "\(field)=\(value)",
                        code: "invalid_field",
                        field: field
                    )
                    count += 1
                }
            }
            #expect(count > 200)
            let events = try searchEvents(daemon.dataPath)
            #expect(events.count == exchange.goodSubjects.count, "only the good lines are stored")
        }
    }

    @Test(
        "lines at the limit are stored, one byte over is line_too_long (whole or split); huge lines harm nothing"
    )
    func sizes() throws {
        try withDaemon { daemon in
            let exchange = try HostileExchange(daemon, client: "sizes")
            let limit = 65_536
            #expect(try exchange.send(paddedEvent(bytes: limit, jti: "at-limit"), label: "at limit") == nil)
            #expect(
                try exchange.send(paddedEvent(bytes: limit, jti: "at-limit-cr") + [0x0D], label: "at limit + CR") == nil
            )
            try exchange.expectRejected(
                paddedEvent(bytes: limit + 1, jti: "over"),
                "one over",
                code: "line_too_long",
                field: nil
            )

            // The same lines written in pieces, so that they arrive across several reads.
            for (bytes, jti) in [(limit, "at-limit-split"), (limit + 1, "over-split")] {
                let line = paddedEvent(bytes: bytes, jti: jti) + [0x0A]
                for start in stride(from: 0, to: line.count, by: 10_000) {
                    try exchange.client.send(Array(line[start..<min(start + 10_000, line.count)]))
                    Thread.sleep(forTimeInterval: 0.01)
                }
            }
            exchange.linesSent += 2
            let replies = try exchange.client.awaitAck(exchange.linesSent)
            let errors = try replies.compactMap { try replyObject($0)["error"] as? [String: Any] }
            #expect(
                errors.count == 1 && errors.first?["line"] as? Int == 8
                    && errors.first?["code"] as? String == "line_too_long"
            )

            let oneMegabyte = Array(
                EventLine.validate(extra: ["\"user_agent\":\"" + String(repeating: "A", count: 1 << 20) + "\""]).utf8
                    .dropLast()
            )
            try exchange.expectRejected(oneMegabyte, "1 MiB line", code: "line_too_long", field: nil)
            let token = String(repeating: "eyJhbGciOiJIUzI1NiJ9", count: 52_429)
            let tokenLine = Array(EventLine.validate(extra: ["\"token\":\"\(token)\""]).utf8.dropLast())
            try exchange.expectRejected(tokenLine, "megabyte token", code: "line_too_long", field: nil)
            let deep = Array(
                EventLine.validate(extra: [
                    "\"ctx\":" + String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000)
                ]).utf8.dropLast()
            )
            try exchange.expectRejected(deep, "30,000 levels of nesting", code: "invalid_field", field: "ctx")
            let longest = String(repeating: "s", count: 8_192)
            #expect(
                try exchange.send(
                    Array(EventLine.validate(sub: longest, jti: "longest-sub").utf8.dropLast()),
                    label: "8 KiB sub"
                ) == nil
            )
            try exchange.expectRejected(
                Array(EventLine.validate(sub: longest + "s").utf8.dropLast()),
                "8 KiB + 1 sub",
                code: "invalid_field",
                field: "sub"
            )

            let events = try searchEvents(daemon.dataPath)
            let ids = Set(events.compactMap { $0["jti"] as? String })
            #expect(ids.isSuperset(of: ["at-limit", "at-limit-cr", "at-limit-split", "longest-sub"]))
            #expect(!ids.contains("over") && !ids.contains("over-split"))
            #expect(events.first { $0["jti"] as? String == "longest-sub" }?["sub"] as? String == longest)
            _ = try daemon.connectAcknowledged(client: "still-there")
        }
    }

    @Test("with a 4 MiB line limit: megabyte tokens, 10,000 attrs and a million brackets are rejected alone")
    func largeLimit() throws {
        let config = try ConfigurationFixture("{\"max_line_bytes\": 4194304}")
        try withDaemon(["--config", config.path]) { daemon in
            let before = ResidentMemory.kibibytes(daemon.pid) ?? 0
            let exchange = try HostileExchange(daemon, client: "large")
            let token = EventLine.token(claims: "{\"sub\":\"" + String(repeating: "x", count: 1 << 20) + "\"}")
            try exchange.expectRejected(
                Array(EventLine.validate(extra: ["\"token\":\"\(token)\""]).utf8.dropLast()),
                "megabyte token",
                code: "invalid_field",
                field: "token"
            )
            let garbage = String(repeating: "!", count: 1 << 20) + "." + String(repeating: "#", count: 1 << 20)
            try exchange.expectRejected(
                Array(EventLine.validate(extra: ["\"token\":\"\(garbage)\""]).utf8.dropLast()),
                "megabyte garbage token",
                code: "invalid_field",
                field: "token"
            )
            let attributes = (0..<10_000).map { "\"k\($0)\":\"v\"" }.joined(separator: ",")
            try exchange.expectRejected(
                Array(EventLine.validate(extra: ["\"attrs\":{\(attributes)}"]).utf8.dropLast()),
                "10,000 attrs",
                code: "invalid_field",
                field: "attrs"
            )
            let unknown = (0..<10_000).map { "\"u\($0)\":\"v\"" }
            try exchange.expectRejected(
                Array(EventLine.validate(extra: unknown).utf8.dropLast()),
                "10,000 unknown fields",
                code: "invalid_field",
                field: "attrs"
            )
            let brackets = String(repeating: "[", count: 1_000_000) + String(repeating: "]", count: 1_000_000)
            try exchange.expectRejected(
                Array(EventLine.validate(extra: ["\"attrs\":{\"a\":\(brackets)}"]).utf8.dropLast()),
                "a million brackets",
                code: "invalid_field",
                field: "attrs"
            )
            try exchange.expectRejected(
                Array(
                    EventLine.validate(extra: ["\"ctx\":" + String(repeating: "{\"a\":", count: 500_000)]).utf8
                        .dropLast()
                ),
                "500,000 open objects",
                code: "invalid_json",
                field: nil
            )
            let events = try searchEvents(daemon.dataPath)
            #expect(events.count == exchange.goodSubjects.count)
            let after = ResidentMemory.kibibytes(daemon.pid) ?? 0
            #expect(
                !ResidentMemory.boundsApply || after - before < 200_000,
                "resident memory grew from \(before) KiB to \(after) KiB")
        }
    }

    @Test("a newline in a field cannot forge a syslog line: every datagram is one printable-ASCII message")
    func syslogInjection() throws {
        let folder = try TemporaryDirectory(prefix: "jwtsys")
        let receiver = try DatagramReceiver(path: folder.file("log.sock"))
        let config = try ConfigurationFixture(
            "{\"outputs\": [{\"type\": \"syslog\", \"transport\": \"unix\", \"address\": \"\(receiver.path)\"}]}"
        )
        try withDaemon(["--config", config.path]) { daemon in
            let forged = "<10>1 2026-11-29T10:00:00Z forged jwtaudit 1 ALERT - you have been pwned"
            let client = try daemon.connectAcknowledged(client: "syslog-injection")
            let line = EventLine.validate(
                outcome: "rejected",
                reason: "alg_not_allowed",
                sub: "victim\\n" + forged,
                extra: [
                    "\"iss\":\"https://evil.example\\n\(forged)\\r\\n\(forged)\\u2028\(forged)\\u0085\(forged)\"",
                    "\"user_agent\":\"ua\\n\(forged)\"",
                ]
            )
            try client.send(line)
            let replies = try client.awaitAck(1)
            #expect(replies.allSatisfy { !$0.contains("\"error\"") }, "\(replies)")

            var messages: [[UInt8]] = []
            let deadline = Date().addingTimeInterval(30)
            while Date() < deadline,
                !messages.contains(where: { String(decoding: $0, as: UTF8.self).contains("alg_confusion") })
            {
                if let message = receiver.receive(timeout: 1) { messages.append(message) }
            }
            let alert = try #require(messages.first { String(decoding: $0, as: UTF8.self).contains("alg_confusion") })
            for message in messages {
                #expect(
                    message.allSatisfy { (0x20...0x7E).contains($0) },
                    "a syslog message holds a byte outside printable ASCII"
                )
                #expect(message.first == UInt8(ascii: "<"))
            }
            let text = String(decoding: alert, as: UTF8.self)
            #expect(text.hasPrefix("<8"), "authpriv: PRI 80-87, got \(text.prefix(5))")
            #expect(
                text.contains("https://evil.example\\u000a<10>1 2026-11-29T10:00:00Z forged"),
                "the newline is escaped in the MSG"
            )
            #expect(!text.contains("\n"))
            // The stored event keeps the text exactly as sent.
            let stored = try searchEvents(daemon.dataPath).first
            #expect(
                stored?["iss"] as? String
                    == "https://evil.example\n\(forged)\r\n\(forged)\u{2028}\(forged)\u{85}\(forged)"
            )
        }
    }
}

/// A Unix datagram socket that receives syslog messages, one per datagram.
final class DatagramReceiver {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes.prefix($0.count - 1)) }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, status == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    deinit {
        close(fd)
        unlink(path)
    }

    /// The next datagram, or nil after `timeout` seconds.
    func receive(timeout: Double) -> [UInt8]? {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&poller, 1, Int32(timeout * 1000)) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count > 0 ? Array(buffer[..<count]) : nil
    }
}
