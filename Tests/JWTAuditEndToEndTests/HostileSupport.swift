import Foundation
import JWTAuditTesting
import Testing

/// One line of the hostile-input corpus and what the daemon must do with it.
struct HostileCase: CustomStringConvertible {
    enum Outcome {
        /// Rejected alone, with this wire code and field.
        case rejected(code: String, field: String?)
        /// Stored, with these fields coming back exactly (`$token`: a raw token that must be gone).
        case stored([String: Any])
    }

    var name: String
    /// The line without its newline.
    var bytes: [UInt8]
    var outcome: Outcome

    var description: String { name }
}

/// The corpus kept in `Tests/Corpus/hostile`: one line per `.ndjson` file (raw bytes, invalid
/// UTF-8 included), and `expectations.json` naming the outcome of each.
enum HostileCorpus {
    static var folder: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Corpus/hostile")
    }

    static func load() throws -> [HostileCase] {
        let expectationsData = try Data(contentsOf: folder.appendingPathComponent("expectations.json"))
        let expectations = try #require(try JSONSerialization.jsonObject(with: expectationsData) as? [String: Any])
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            .filter { $0.hasSuffix(".ndjson") }.sorted()
        let names = files.map { String($0.dropLast(7)) }
        #expect(Set(names) == Set(expectations.keys), "every corpus file needs an expectation, and the reverse")
        return try names.map { name in
            var bytes = Array(try Data(contentsOf: folder.appendingPathComponent(name + ".ndjson")))
            if bytes.last == 0x0A { bytes.removeLast() }
            #expect(!bytes.contains(0x0A), "\(name): one line per file")
            let expectation = try #require(expectations[name] as? [String: Any], "\(name) has no expectation")
            if let stored = expectation["stored"] as? [String: Any] {
                return HostileCase(name: name, bytes: bytes, outcome: .stored(stored))
            }
            let code = try #require(expectation["code"] as? String, "\(name): code or stored")
            return HostileCase(
                name: name,
                bytes: bytes,
                outcome: .rejected(code: code, field: expectation["field"] as? String)
            )
        }
    }
}

/// An acknowledged connection that sends each hostile line followed by a good line, and reads
/// the answers: the error for the hostile line (if any), and the ack that covers the good one.
final class HostileExchange {
    let client: RawSocketClient
    /// Event lines sent on the connection so far (raise it for lines sent through ``client`` directly).
    var linesSent = 0
    /// Subjects of the good lines sent, which must all be stored.
    private(set) var goodSubjects: [String] = []

    init(_ daemon: DaemonHarness, client name: String) throws {
        client = try daemon.connectAcknowledged(client: name)
    }

    /// Sends `line` (newline added) and one good line; returns the error answer for `line`, or nil.
    func send(_ line: [UInt8], label: String) throws -> [String: Any]? {
        try client.send(line + [0x0A])
        linesSent += 1
        let hostileLine = linesSent
        let subject = "good-after-\(hostileLine)"
        try client.send(EventLine.validate(sub: subject))
        linesSent += 1
        goodSubjects.append(subject)
        var answer: [String: Any]?
        for reply in try client.awaitAck(linesSent, timeout: 60) {
            guard let error = try replyObject(reply)["error"] as? [String: Any] else { continue }
            if error["line"] as? Int == hostileLine {
                answer = error
            } else {
                Issue.record("\(label): unexpected error for line \(error["line"] ?? "?"): \(reply)")
            }
        }
        return answer
    }

    /// Checks a rejection: the code and the field of the answer.
    func expectRejected(_ line: [UInt8], _ label: String, code: String, field: String?) throws {
        let error = try send(line, label: label)
        #expect(error?["code"] as? String == code, "\(label): expected \(code), got \(error ?? [:])")
        #expect(error?["field"] as? String == field, "\(label): expected field \(field ?? "none"), got \(error ?? [:])")
    }
}

/// Compares a stored event with the values a corpus case expects back.
func expectStored(_ event: [String: Any]?, _ expected: [String: Any], _ label: String) {
    guard let event else {
        Issue.record("\(label): not stored")
        return
    }
    for (key, value) in expected {
        if key == "$token" {
            let token = value as? String ?? ""
            #expect(event["token"] == nil, "\(label): the raw token was stored")
            let fingerprint = event["token_fp"] as? String ?? ""
            #expect(
                fingerprint.count == 32 && fingerprint.allSatisfy(\.isHexDigit),
                "\(label): token_fp \(fingerprint)"
            )
            let text = String(decoding: (try? JSONSerialization.data(withJSONObject: event)) ?? Data(), as: UTF8.self)
            #expect(!text.contains(token), "\(label): the raw token shows in the stored event")
        } else if let attributes = value as? [String: Any] {
            let stored = event[key] as? [String: Any] ?? [:]
            #expect(stored.count == attributes.count, "\(label): \(key) has \(stored.count) entries")
            for (name, text) in attributes {
                #expect(
                    stored[name] as? String == text as? String,
                    "\(label): \(key).\(name) = \(stored[name] ?? "nil")"
                )
            }
        } else if let text = value as? String {
            #expect(
                event[key] as? String == text,
                "\(label): \(key) = \(event[key] ?? "nil"), expected \(text.debugDescription)"
            )
        } else if let number = value as? NSNumber {
            #expect(
                (event[key] as? NSNumber)?.int64Value == number.int64Value,
                "\(label): \(key) = \(event[key] ?? "nil")"
            )
        }
    }
}

/// A configuration file holding `json`, in a folder of its own.
struct ConfigurationFixture {
    let folder: TemporaryDirectory
    let path: String

    init(_ json: String) throws {
        folder = try TemporaryDirectory()
        path = folder.file("jwtaudit.json")
        try json.write(toFile: path, atomically: true, encoding: .utf8)
    }
}

/// Pads an event line with blanks inside the object to exactly `bytes` bytes (without newline).
func paddedEvent(bytes: Int, jti: String) -> [UInt8] {
    let line = Array(EventLine.validate(sub: "padded", extra: ["\"jti\":\"\(jti)\""]).utf8.dropLast())
    precondition(line.count <= bytes)
    return Array(line.dropLast()) + Array(repeating: UInt8(ascii: " "), count: bytes - line.count) + [UInt8(ascii: "}")]
}
