import JWTAuditDetection
import JWTAuditModel

/// The refresh-token ledger on disk, in `DATA/detection.sqlite`: the detection thread applies the
/// engine's ledger changes after each batch, and a restarted daemon loads them back, so a restart
/// forgets no issued, rotated or revoked token.
public final class LedgerStore {
    let connection: SQLiteConnection

    static let schema = """
        CREATE TABLE IF NOT EXISTS ledger_tokens (
            jti TEXT PRIMARY KEY,
            token_type INTEGER NOT NULL,
            family TEXT,
            sub TEXT,
            state INTEGER NOT NULL,
            issued_at INTEGER NOT NULL,
            changed_at INTEGER NOT NULL,
            successor TEXT,
            expires_at INTEGER NOT NULL,
            client_ip TEXT,
            user_agent TEXT
        ) WITHOUT ROWID;
        CREATE TABLE IF NOT EXISTS ledger_revocations (
            scope INTEGER NOT NULL,
            value TEXT NOT NULL,
            revoked_at INTEGER NOT NULL,
            expires_at INTEGER NOT NULL,
            PRIMARY KEY (scope, value)
        ) WITHOUT ROWID;
        """

    /// `DATA/detection.sqlite`.
    public static func path(in directory: DataDirectory) -> String { directory.root + "/detection.sqlite" }

    public init(directory: DataDirectory, readOnly: Bool = false) throws {
        connection = try SQLiteConnection(path: Self.path(in: directory), readOnly: readOnly)
        if !readOnly {
            try connection.execute("PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;")
            try connection.execute(Self.schema)
        }
    }

    /// Applies `changes` in one transaction.
    public func apply(_ changes: [LedgerChange]) throws {
        guard !changes.isEmpty else { return }
        let upsertToken = try connection.prepare(
            "INSERT OR REPLACE INTO ledger_tokens VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")
        let removeToken = try connection.prepare("DELETE FROM ledger_tokens WHERE jti = ?")
        let upsertRevocation = try connection.prepare("INSERT OR REPLACE INTO ledger_revocations VALUES (?, ?, ?, ?)")
        let removeRevocation = try connection.prepare("DELETE FROM ledger_revocations WHERE scope = ? AND value = ?")
        try connection.transaction {
            for change in changes {
                switch change {
                case .upsertToken(let token):
                    upsertToken.reset()
                    upsertToken.bind(1, token.tokenID)
                    upsertToken.bind(2, Int64(token.tokenType.rawValue))
                    upsertToken.bind(3, token.family)
                    upsertToken.bind(4, token.subject)
                    upsertToken.bind(5, Int64(token.state.rawValue))
                    upsertToken.bind(6, token.issuedAt)
                    upsertToken.bind(7, token.changedAt)
                    upsertToken.bind(8, token.successor)
                    upsertToken.bind(9, token.expiresAt)
                    upsertToken.bind(10, token.clientIP)
                    upsertToken.bind(11, token.userAgent)
                    _ = try upsertToken.step()
                case .removeToken(let id):
                    removeToken.reset()
                    removeToken.bind(1, id)
                    _ = try removeToken.step()
                case .upsertRevocation(let revocation):
                    upsertRevocation.reset()
                    upsertRevocation.bind(1, Int64(revocation.scope.rawValue))
                    upsertRevocation.bind(2, revocation.value)
                    upsertRevocation.bind(3, revocation.revokedAt)
                    upsertRevocation.bind(4, revocation.expiresAt)
                    _ = try upsertRevocation.step()
                case .removeRevocation(let scope, let value):
                    removeRevocation.reset()
                    removeRevocation.bind(1, Int64(scope.rawValue))
                    removeRevocation.bind(2, value)
                    _ = try removeRevocation.step()
                }
            }
        }
    }

    /// Folds the write-ahead log into the file; called at shutdown.
    public func finish() throws { try connection.checkpointWriteAheadLog() }

    /// Everything stored, to rebuild the ledger at start.
    public func load() throws -> (tokens: [LedgerToken], revocations: [LedgerRevocation]) {
        var tokens: [LedgerToken] = []
        let tokenRows = try connection.prepare("SELECT * FROM ledger_tokens")
        while try tokenRows.step() {
            tokens.append(
                LedgerToken(
                    tokenID: tokenRows.text(0) ?? "",
                    tokenType: TokenType(rawValue: UInt8(clamping: tokenRows.int64(1))) ?? .refresh,
                    family: tokenRows.text(2), subject: tokenRows.text(3),
                    state: LedgerToken.State(rawValue: UInt8(clamping: tokenRows.int64(4))) ?? .active,
                    issuedAt: tokenRows.int64(5), changedAt: tokenRows.int64(6), successor: tokenRows.text(7),
                    expiresAt: tokenRows.int64(8), clientIP: tokenRows.text(9), userAgent: tokenRows.text(10)
                )
            )
        }
        var revocations: [LedgerRevocation] = []
        let revocationRows = try connection.prepare("SELECT * FROM ledger_revocations")
        while try revocationRows.step() {
            guard let scope = LedgerRevocation.Scope(rawValue: UInt8(clamping: revocationRows.int64(0))) else { continue }
            revocations.append(
                LedgerRevocation(
                    scope: scope, value: revocationRows.text(1) ?? "", revokedAt: revocationRows.int64(2),
                    expiresAt: revocationRows.int64(3)
                )
            )
        }
        return (tokens, revocations)
    }
}
