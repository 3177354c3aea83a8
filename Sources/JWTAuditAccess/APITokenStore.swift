import Glibc
import JWTAuditCrypto
import JWTAuditStore

/// The API tokens of a data folder, in `DATA/tokens.sqlite` (mode 0600), with the audit records
/// of failed authentications.
///
/// Only the SHA-256 of each token is stored; the token itself is returned once, by ``create(name:role:now:)``.
/// One instance owns one SQLite connection and is not thread-safe. The CLI and the daemon open
/// their own (WAL and a busy timeout let them run side by side).
public final class APITokenStore {
    /// The database file.
    public let path: String
    private let connection: SQLiteConnection

    /// Longest token name accepted, in bytes.
    public static let maxNameBytes = 64
    /// What every token starts with, so that secret scanners can recognise one.
    public static let tokenPrefix = "jwta_"
    /// Random bytes in a token.
    static let secretBytes = 32

    /// Opens (creating it, mode 0600) the token store at `path`. Refuses a file other users may
    /// read or write.
    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_CREAT | O_RDWR | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            throw APITokenError(.unreadableFile, "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        var info = stat()
        let status = fstat(descriptor, &info)
        close(descriptor)
        guard status == 0, info.st_mode & 0o077 == 0 else {
            throw APITokenError(
                .insecureFile,
                "\(path) is readable or writable by other users; refusing to use it: chmod 600 it")
        }
        connection = try SQLiteConnection(path: path)
        try connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
        try connection.transaction { try connection.execute(Self.schema) }
    }

    /// Opens the token store of a data folder, creating the folder where missing.
    public convenience init(directory: DataDirectory) throws {
        try directory.prepare()
        try self.init(path: directory.tokensPath)
    }

    // MARK: Tokens

    /// Creates a token named `name` with `role`; returns its record and the token, which is not
    /// kept anywhere and cannot be shown again.
    public func create(name: String, role: APIRole, now: Int64) throws -> (token: APIToken, secret: String) {
        try Self.checkName(name)
        let secret = Self.tokenPrefix + Hex.encode(SecureRandom.bytes(Self.secretBytes))
        return try connection.transaction {
            if try activeToken(named: name) != nil {
                throw APITokenError(.duplicateName, "an active token is already named \(name); revoke it first")
            }
            let insert = try connection.prepare(
                "INSERT INTO tokens (name, role, hash, created_at) VALUES (?, ?, ?, ?)")
            insert.bind(1, name)
            insert.bind(2, role.name)
            insert.bind(3, Hex.encode(Self.digest(secret)))
            insert.bind(4, now)
            _ = try insert.step()
            let token = APIToken(id: connection.lastInsertRowID, name: name, role: role, createdAt: now)
            return (token, secret)
        }
    }

    /// Every token, active and revoked, oldest first.
    public func list() throws -> [APIToken] {
        try rows().map(\.token)
    }

    /// Revokes the active token named `name`; returns it as revoked.
    @discardableResult
    public func revoke(name: String, now: Int64) throws -> APIToken {
        try connection.transaction {
            guard var token = try activeToken(named: name) else {
                throw APITokenError(.unknownToken, "no active token is named \(name)")
            }
            let update = try connection.prepare("UPDATE tokens SET revoked_at = ? WHERE id = ?")
            update.bind(1, now)
            update.bind(2, token.id)
            _ = try update.step()
            token.revokedAt = now
            return token
        }
    }

    /// What a presented token is.
    public enum Verdict: Sendable, Hashable {
        /// An active token.
        case valid(APIToken)
        /// A token that was revoked.
        case revoked
        /// No token matches.
        case unknown
    }

    /// Looks `presented` up by its SHA-256. Every stored hash is compared, each in constant time,
    /// so that the answer's timing says nothing about how close a guess came.
    public func verify(_ presented: String) throws -> Verdict {
        let digest = Self.digest(presented)
        var found: APIToken?
        for row in try rows() {
            if ConstantTime.equal(row.hash, digest) && found == nil { found = row.token }
        }
        guard let found else { return .unknown }
        return found.isActive ? .valid(found) : .revoked
    }

    // MARK: Failed authentications

    /// Appends an audit record of a failed authentication.
    public func record(_ failure: AuthenticationFailure) throws {
        let insert = try connection.prepare(
            "INSERT INTO auth_failures (at, remote, reason, request) VALUES (?, ?, ?, ?)")
        insert.bind(1, failure.at)
        insert.bind(2, failure.remoteAddress)
        insert.bind(3, failure.reason.rawValue)
        insert.bind(4, failure.request)
        _ = try insert.step()
    }

    /// The most recent failed authentications, newest first.
    public func failures(limit: Int = 100) throws -> [AuthenticationFailure] {
        let statement = try connection.prepare(
            "SELECT at, remote, reason, request FROM auth_failures ORDER BY id DESC LIMIT ?")
        statement.bind(1, Int64(max(limit, 0)))
        var failures: [AuthenticationFailure] = []
        while try statement.step() {
            failures.append(
                AuthenticationFailure(
                    at: statement.int64(0), remoteAddress: statement.text(1) ?? "",
                    reason: statement.text(2).flatMap(AuthenticationFailure.Reason.init(rawValue:)) ?? .unknownToken,
                    request: statement.text(3) ?? ""))
        }
        return failures
    }

    // MARK: Internals

    private struct Row {
        var token: APIToken
        var hash: [UInt8]
    }

    private func rows() throws -> [Row] {
        let statement = try connection.prepare(
            "SELECT id, name, role, hash, created_at, revoked_at FROM tokens ORDER BY id")
        var rows: [Row] = []
        while try statement.step() {
            guard let role = statement.text(2).flatMap(APIRole.init(name:)) else { continue }
            let token = APIToken(
                id: statement.int64(0), name: statement.text(1) ?? "", role: role, createdAt: statement.int64(4),
                revokedAt: statement.isNull(5) ? nil : statement.int64(5))
            rows.append(Row(token: token, hash: statement.text(3).flatMap(Hex.decode) ?? []))
        }
        return rows
    }

    private func activeToken(named name: String) throws -> APIToken? {
        try rows().first { $0.token.name == name && $0.token.isActive }?.token
    }

    static func digest(_ token: String) -> [UInt8] {
        SHA256.hash(Array(token.utf8))
    }

    static func checkName(_ name: String) throws {
        let allowed = name.utf8.allSatisfy { byte in
            (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "-")
                || byte == UInt8(ascii: "@")
        }
        guard !name.isEmpty, name.utf8.count <= maxNameBytes, allowed else {
            throw APITokenError(
                .invalidName, "a token name is 1 to \(maxNameBytes) letters, digits or the characters . _ - @")
        }
    }

    static let schema = """
        CREATE TABLE IF NOT EXISTS tokens (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            role TEXT NOT NULL CHECK (role IN ('analyst', 'auditor', 'admin')),
            hash TEXT NOT NULL UNIQUE,
            created_at INTEGER NOT NULL,
            revoked_at INTEGER
        );
        CREATE UNIQUE INDEX IF NOT EXISTS tokens_active_name ON tokens (name) WHERE revoked_at IS NULL;

        CREATE TABLE IF NOT EXISTS auth_failures (
            id INTEGER PRIMARY KEY,
            at INTEGER NOT NULL,
            remote TEXT NOT NULL,
            reason TEXT NOT NULL,
            request TEXT NOT NULL
        );
        CREATE TRIGGER IF NOT EXISTS auth_failures_no_update BEFORE UPDATE ON auth_failures
        BEGIN SELECT RAISE(ABORT, 'authentication failures are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS auth_failures_no_delete BEFORE DELETE ON auth_failures
        BEGIN SELECT RAISE(ABORT, 'authentication failures are append-only'); END;
        PRAGMA user_version = 1;
        """
}

extension DataDirectory {
    /// The API token store (``APITokenStore``), mode 0600.
    public var tokensPath: String { root + "/tokens.sqlite" }
}
