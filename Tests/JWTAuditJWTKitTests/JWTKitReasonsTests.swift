import Foundation
import JWTAuditClient
import JWTAuditJWTKit
import JWTAuditTesting
import JWTKit
import Testing

@Suite struct JWTKitReasonsTests {
    private func reason(of token: String, _ tokens: TestTokens) async throws -> JWTAuditEvent.Reason? {
        do {
            _ = try await tokens.serviceKeys().verify(token, as: TestTokens.Claims.self)
            return nil
        } catch {
            return JWTKitReasons.reason(for: error)
        }
    }

    @Test("jwt-kit's errors map to the protocol's reasons")
    func mapping() async throws {
        let tokens = try TestTokens()
        #expect(try await reason(of: tokens.valid(TestTokens.claims("a")), tokens) == nil)
        #expect(try await reason(of: tokens.valid(TestTokens.claims("a", expiresIn: -60)), tokens) == .expired)
        #expect(try await reason(of: tokens.valid(TestTokens.claims("a", notBefore: 600)), tokens) == .notYetValid)
        #expect(try await reason(of: tokens.valid(TestTokens.claims("a", aud: "billing")), tokens) == .audienceMismatch)
        #expect(try await reason(of: tokens.wrongKey(TestTokens.claims("a")), tokens) == .badSignature)
        #expect(try await reason(of: "not.a-token", tokens) == .malformed)
        #expect(JWTKitReasons.reason(for: JWTError.unknownKID(JWKIdentifier(string: "x"))) == .keyUnknown)
        #expect(JWTKitReasons.reason(for: JWTAuditRefusal(.algNone, "unsigned")) == .algNone)
        #expect(JWTKitReasons.reason(for: CancellationError()) == .other)
    }

    @Test("an event reads header and claims of the token; the token is kept only when asked")
    func eventFromToken() async throws {
        let tokens = try TestTokens()
        let token = try await tokens.valid(TestTokens.claims("alice", aud: "orders"))
        let event = JWTAuditEvent(verifying: token)
        #expect(event.alg == "RS256" && event.kid == "main" && event.typ == "JWT")
        #expect(event.sub == "alice" && event.aud == ["orders"])
        #expect(event.exp.map { $0 > Int64(Date().timeIntervalSince1970) } == true)
        #expect(event.token == nil)
        #expect(JWTAuditEvent(verifying: token, detail: .rawToken).token == token)
        let garbage = JWTAuditEvent(verifying: "%%%.###.")
        #expect(garbage.alg == nil && garbage.sub == nil)
    }

    @Test("the verifier refuses alg none, a foreign alg and an unknown kid before jwt-kit, and says why")
    func headerChecks() async throws {
        let tokens = try TestTokens()
        let folder = try TemporaryDirectory(prefix: "jwtaudit-jwtkit")
        // No daemon: events stay in the buffer, which the test reads through the counters only.
        let audit = JWTAuditClient(configuration: .init(socketPath: folder.file("none.sock"), service: "orders"))
        let verifier = AuditedJWTVerifier(
            keys: try await tokens.serviceKeys(), client: audit, knownKeyIDs: ["main"])
        func refusal(_ token: String) async -> JWTAuditEvent.Reason? {
            do {
                _ = try await verifier.verify(token, as: TestTokens.Claims.self)
                return nil
            } catch {
                return JWTKitReasons.reason(for: error)
            }
        }
        let claims = TestTokens.claims("mallory")
        #expect(await refusal(try tokens.valid(claims)) == nil)
        #expect(await refusal(try tokens.unsigned(claims)) == .algNone)
        #expect(await refusal(try tokens.confused(claims)) == .algNotAllowed)
        let otherKid = try await JWTKeyCollection().add(rsa: tokens.issuer, digestAlgorithm: .sha256, kid: "old")
            .sign(claims, kid: "old")
        #expect(await refusal(otherKid) == .keyUnknown)
        #expect(audit.counters.emitted == 4)
        _ = audit.shutdown(timeout: .zero)
    }
}
