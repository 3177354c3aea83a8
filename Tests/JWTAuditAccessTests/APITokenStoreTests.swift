import Foundation
import JWTAuditAccess
import JWTAuditStore
import JWTAuditTesting
import Testing

@Suite struct APITokenStoreTests {
    private func store() throws -> (APITokenStore, TemporaryDirectory) {
        let folder = try TemporaryDirectory()
        return (try APITokenStore(directory: DataDirectory(root: folder.file("data"))), folder)
    }

    @Test("a created token verifies with its role; only its SHA-256 is in the file, which is 0600")
    func createAndVerify() throws {
        let (store, folder) = try store()
        let (token, secret) = try store.create(name: "alice", role: .analyst, now: 1)
        #expect(secret.hasPrefix("jwta_") && secret.utf8.count == 5 + 64)
        #expect(try store.verify(secret) == .valid(token))
        #expect(try store.verify(secret + "0") == .unknown)
        #expect(try store.verify("") == .unknown)
        let bytes = try Data(contentsOf: URL(fileURLWithPath: folder.file("data/tokens.sqlite")))
        #expect(bytes.range(of: Data(secret.utf8)) == nil)
        #expect(bytes.range(of: Data(String(secret.dropFirst(5)).utf8)) == nil)
        let mode = try FileManager.default.attributesOfItem(atPath: folder.file("data/tokens.sqlite"))[.posixPermissions]
        #expect(mode as? Int == 0o600)
    }

    @Test("a token file others may read is refused as insecure_file; one that cannot be opened as unreadable_file")
    func refusedFiles() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("tokens.sqlite")
        #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o644]))
        #expect { try APITokenStore(path: path) } throws: { error in
            guard let error = error as? APITokenError else { return false }
            return error.code == .insecureFile && error.message.contains("chmod 600")
        }
        #expect { try APITokenStore(path: folder.file("missing/tokens.sqlite")) } throws: { error in
            (error as? APITokenError)?.code == .unreadableFile
        }
    }

    @Test("a revoked token is refused as revoked; its name can be given to a new token")
    func revoke() throws {
        let (store, _) = try store()
        let (_, old) = try store.create(name: "ci", role: .auditor, now: 1)
        #expect(throws: APITokenError.self) { try store.create(name: "ci", role: .admin, now: 2) }
        let revoked = try store.revoke(name: "ci", now: 3)
        #expect(revoked.revokedAt == 3)
        #expect(try store.verify(old) == .revoked)
        #expect(throws: APITokenError.self) { try store.revoke(name: "ci", now: 4) }
        let (fresh, secret) = try store.create(name: "ci", role: .admin, now: 5)
        #expect(try store.verify(secret) == .valid(fresh))
        #expect(try store.list().map(\.isActive) == [false, true])
    }

    @Test("token names are letters, digits and . _ - @, at most 64 bytes", arguments: ["", "a b", "x\n", "ü", String(repeating: "a", count: 65)])
    func badNames(name: String) throws {
        let (store, _) = try store()
        #expect(throws: APITokenError.self) { try store.create(name: name, role: .analyst, now: 1) }
    }

    @Test("failed authentications are kept newest first and cannot be changed")
    func failures() throws {
        let (store, folder) = try store()
        try store.record(AuthenticationFailure(at: 1, remoteAddress: "127.0.0.1", reason: .missingToken, request: "GET /a"))
        try store.record(AuthenticationFailure(at: 2, remoteAddress: "::1", reason: .unknownToken, request: "GET /b"))
        #expect(try store.failures().map(\.reason) == [.unknownToken, .missingToken])
        let connection = try SQLiteConnection(path: folder.file("data/tokens.sqlite"))
        #expect(throws: (any Error).self) { try connection.execute("DELETE FROM auth_failures") }
        #expect(throws: (any Error).self) { try connection.execute("UPDATE auth_failures SET reason = 'x'") }
    }

    @Test("roles: analyst reads and triages, auditor only reads, admin does everything")
    func roles() {
        #expect(APIRole.analyst.allows(.read) && APIRole.analyst.allows(.triage))
        #expect(APIRole.auditor.allows(.read) && !APIRole.auditor.allows(.triage))
        #expect(APIPermission.allCases.allSatisfy { APIRole.admin.allows($0) })
    }

    @Test("constant-time comparison agrees with ==")
    func constantTime() {
        #expect(ConstantTime.equal([1, 2, 3], [1, 2, 3]))
        #expect(!ConstantTime.equal([1, 2, 3], [1, 2, 4]))
        #expect(!ConstantTime.equal([1, 2], [1, 2, 3]))
    }
}

@Suite struct FailureRateLimiterTests {
    private let second: Int64 = 1_000_000

    @Test("the limit is reached at the tenth failure in a minute and lifts as failures age out")
    func window() {
        var limiter = FailureRateLimiter(limit: 10, window: 60 * second)
        for index in 0..<9 { limiter.recordFailure("10.0.0.1", now: Int64(index) * second) }
        #expect(!limiter.isLimited("10.0.0.1", now: 9 * second))
        limiter.recordFailure("10.0.0.1", now: 9 * second)
        #expect(limiter.isLimited("10.0.0.1", now: 9 * second))
        #expect(limiter.retryAfterSeconds("10.0.0.1", now: 9 * second) == 51)
        #expect(!limiter.isLimited("10.0.0.2", now: 9 * second), "per address")
        #expect(!limiter.isLimited("10.0.0.1", now: 60 * second + 1), "the oldest failure left the window")
        #expect(limiter.retryAfterSeconds("10.0.0.1", now: 60 * second + 1) == 0)
    }

    @Test("memory is bounded: past the address limit, stale and then oldest addresses are forgotten")
    func bounded() {
        var limiter = FailureRateLimiter(limit: 2, window: 60 * second, maxAddresses: 3)
        for index in 0..<10 { limiter.recordFailure("a\(index)", now: Int64(index) * second) }
        #expect(limiter.trackedAddresses == 3)
        limiter.recordFailure("a9", now: 10 * second)
        #expect(limiter.isLimited("a9", now: 10 * second))
    }
}
