import Foundation
import JWTAuditCrypto
import JWTAuditModel
import Testing

/// The libFuzzer corpora in `Fuzz/corpus/` (docs/testing.md), replayed on every test run: each
/// input must satisfy what the fuzz targets check, and each named seed must mean what its name
/// says, so the corpus stays a corpus of the cases it claims to cover.
@Suite struct FuzzCorpusTests {
    static let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus")
    static let fingerprinter = TokenFingerprinter(secret: Array(repeating: 7, count: 32))

    /// Every file of one target's corpus, by name.
    static func inputs(_ target: String) throws -> [(name: String, bytes: [UInt8])] {
        let folder = corpus.appendingPathComponent(target)
        let names = try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted()
        return try names.map { ($0, Array(try Data(contentsOf: folder.appendingPathComponent($0)))) }
    }

    static func decode(_ bytes: [UInt8], limits: EventLimits = EventLimits()) -> Result<AuditEvent, EventRejection> {
        bytes.withUnsafeBytes { EventDecoder(limits: limits, fingerprinter: fingerprinter).decode($0) }
    }

    @Test("every event-decoder input: a hello's client is bounded, an accepted event survives EventJSON and back")
    func eventCorpus() throws {
        let inputs = try Self.inputs("FuzzEventDecoder")
        #expect(inputs.count >= 40)
        var unbounded = EventLimits()
        unbounded.maxLineBytes = .max
        for (name, bytes) in inputs {
            if case .hello(let hello) = bytes.withUnsafeBytes({ HelloRequest.parse($0) }) {
                #expect((hello.client?.utf8.count ?? 0) <= HelloRequest.maxClientBytes, "\(name)")
            }
            guard case .success(let event) = Self.decode(bytes) else { continue }
            let again = EventDecoder(limits: unbounded, fingerprinter: nil).decode(EventJSON.encode(event))
            #expect(again == .success(event), "\(name)")
        }
    }

    @Test(
        "event-decoder seeds decode as their names say",
        arguments: [
            ("valid-minimal", nil), ("valid-full", nil), ("valid-issue", nil), ("valid-rotate", nil),
            ("valid-revoke", nil), ("valid-fraction-offset", nil), ("valid-nulls", nil), ("valid-escapes", nil),
            ("valid-whitespace", nil), ("unknown-fields", nil), ("unknown-vs-attrs", nil), ("with-token", nil),
            ("with-token-escaped", nil), ("log-injection", nil), ("invalid-utf8", .invalidUTF8),
            ("nul-byte", .invalidJSON), ("duplicate-key", .invalidJSON), ("duplicate-attr", .invalidJSON),
            ("lone-surrogate", .invalidJSON), ("trailing-data", .invalidJSON), ("truncated", .invalidJSON),
            ("empty", .invalidJSON), ("not-object", .invalidJSON), ("nested-deep", .invalidField),
            ("nested-attrs-object", .invalidField), ("many-attrs", .invalidField), ("wrong-types", .invalidField),
            ("huge-numbers", .invalidField), ("bad-ts", .invalidField), ("bad-ip", .invalidField),
            ("version-2", .unsupportedVersion), ("hello-ack", .missingField),
        ] as [(String, RejectionCode?)])
    func eventSeeds(name: String, code: RejectionCode?) throws {
        let bytes = try #require(try Self.inputs("FuzzEventDecoder").first { $0.name == name }).bytes
        switch Self.decode(bytes) {
        case .success: #expect(code == nil)
        case .failure(let rejection): #expect(rejection.code == code)
        }
    }

    @Test("every reason has a seed, and it decodes to that reason")
    func reasonSeeds() throws {
        let inputs = try Self.inputs("FuzzEventDecoder")
        for reason in Reason.allCases {
            let name = "reason-\(reason.name)"
            let bytes = try #require(inputs.first { $0.name == name }, "no seed \(name)").bytes
            #expect(try Self.decode(bytes).get().reason == reason)
        }
    }

    @Test("every token-decoder input is accepted, fingerprinted, and leaves no trace of the raw token")
    func tokenCorpus() throws {
        let inputs = try Self.inputs("FuzzTokenDecoder")
        #expect(inputs.count >= 20)
        for (name, bytes) in inputs {
            guard let (token, isJWE) = Self.token(fromInput: bytes) else { continue }
            let event = try Self.decode(Self.line(token: token)).get()
            #expect(event.tokenFingerprint == Self.fingerprinter.fingerprint(token), "\(name)")
            let values = [event.issuer, event.subject, event.tokenID, event.algorithm, event.keyID, event.type,
                event.scope, event.clientID, event.tenant, event.jwkSetURL, event.x509URL].compactMap { $0 }
            #expect(!values.contains { $0.contains(token) }, "\(name)")
            if isJWE { #expect(event.subject == nil && event.issuer == nil && event.expiresAt == nil, "\(name)") }
        }
    }

    @Test("token seeds fill the fields their header and claims hold, and nothing from garbage")
    func tokenSeeds() throws {
        let inputs = try Self.inputs("FuzzTokenDecoder")
        func event(_ name: String) throws -> AuditEvent {
            let bytes = try #require(inputs.first { $0.name == name }, "no seed \(name)").bytes
            let (token, _) = try #require(Self.token(fromInput: bytes))
            return try Self.decode(Self.line(token: token)).get()
        }
        let full = try event("json-full")
        #expect(full.algorithm == "RS256" && full.keyID == "k1" && full.type == "at+jwt")
        #expect(full.subject == "u1" && full.audience == .list(["x", "y"]) && full.issuedAt == 1_772_366_400)
        #expect(try event("raw-alg-none").algorithm == "none")
        let jwe = try event("raw-jwe")
        #expect(jwe.keyID == "e1" && jwe.subject == nil)
        for name in ["raw-garbage-segments", "raw-padding", "raw-too-many-dots", "json-duplicate", "json-trailing"] {
            let garbage = try event(name)
            #expect(garbage.algorithm == nil && garbage.subject == nil, "\(name)")
        }
    }

    /// The token a FuzzTokenDecoder input stands for (see Sources/FuzzTokenDecoder), and whether
    /// it is a JWE; nil when it is not UTF-8.
    static func token(fromInput input: [UInt8]) -> (String, Bool)? {
        guard let mode = input.first else { return nil }
        let rest = Array(input.dropFirst())
        guard mode & 1 == 1 else { return String(validating: rest, as: UTF8.self).map { ($0, false) } }
        let parts = rest.split(separator: UInt8(ascii: "\n"), maxSplits: 2, omittingEmptySubsequences: false)
        let header = base64URL(bytes: Array(parts[0]))
        let claims = base64URL(bytes: parts.count > 1 ? Array(parts[1]) : [])
        guard let signature = String(validating: parts.count > 2 ? Array(parts[2]) : [], as: UTF8.self) else {
            return nil
        }
        let isJWE = mode & 3 == 3
        return (header + "." + claims + "." + signature + (isJWE ? ".iv.tag" : ""), isJWE)
    }

    /// A valid event line carrying `token`.
    static func line(token: String) -> [UInt8] {
        var line = Array(#"{"v":1,"ts":"2026-01-01T00:00:00Z","service":"fuzz","outcome":"accepted","token":"#.utf8)
        EventJSON.appendEscaped(token, to: &line)
        line.append(UInt8(ascii: "}"))
        return line
    }

    /// Unpadded base64url of arbitrary bytes.
    static func base64URL(bytes: [UInt8]) -> String {
        Data(bytes).base64EncodedString().replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }
}
