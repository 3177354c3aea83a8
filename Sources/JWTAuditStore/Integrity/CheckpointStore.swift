import JWTAuditCrypto

/// The store's own record of checkpoints and of the public keys that signed them, in
/// `meta.sqlite` (tables `checkpoints` and `signing_keys`).
///
/// A copy inside the store cannot show that the store was cut short or rewritten by its owner:
/// that is what the external checkpoint file is for (docs/integrity.md).
public final class CheckpointStore {
    /// A public key the store has signed with.
    public struct KeyRecord: Sendable, Hashable {
        /// The public key.
        public var key: Ed25519PublicKey
        /// When it became the signing key, µs since the epoch.
        public var createdAt: Int64
        /// When a rotation replaced it; nil for the current key.
        public var retiredAt: Int64?
    }

    private let connection: SQLiteConnection
    private let hasTables: Bool

    static let schema = """
        CREATE TABLE IF NOT EXISTS checkpoints (
            id INTEGER PRIMARY KEY,
            tree_size INTEGER NOT NULL,
            root BLOB NOT NULL,
            head BLOB NOT NULL,
            time INTEGER NOT NULL,
            key_id TEXT NOT NULL,
            signature BLOB NOT NULL,
            frontier BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS signing_keys (
            key_id TEXT PRIMARY KEY,
            public_key BLOB NOT NULL,
            created_at INTEGER NOT NULL,
            retired_at INTEGER
        );
        """

    /// Opens the tables in `directory`'s `meta.sqlite`, creating them unless `readOnly`. Read-only
    /// on a store without them, every list is empty.
    public init(directory: DataDirectory, readOnly: Bool = false) throws {
        (connection, hasTables) = try MetaTables.open(
            directory, readOnly: readOnly, schema: Self.schema, tables: ["checkpoints", "signing_keys"])
    }

    /// Records `checkpoint` with the Merkle frontier it was computed from (for the next start).
    public func append(_ checkpoint: Checkpoint, frontier: MerkleFrontier) throws {
        let insert = try connection.prepare(
            """
            INSERT INTO checkpoints (tree_size, root, head, time, key_id, signature, frontier)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """)
        insert.bind(1, checkpoint.treeSize)
        insert.bind(2, checkpoint.root)
        insert.bind(3, checkpoint.head)
        insert.bind(4, checkpoint.time)
        insert.bind(5, checkpoint.keyID)
        insert.bind(6, checkpoint.signature)
        insert.bind(7, frontier.serialized)
        try connection.transaction { _ = try insert.step() }
    }

    /// Every stored checkpoint, oldest first.
    public func all() throws -> [Checkpoint] {
        guard hasTables else { return [] }
        let statement = try connection.prepare(
            "SELECT tree_size, root, head, time, key_id, signature FROM checkpoints ORDER BY id")
        var checkpoints: [Checkpoint] = []
        while try statement.step() {
            checkpoints.append(
                Checkpoint(
                    treeSize: statement.int64(0), root: statement.blob(1), head: statement.blob(2),
                    time: statement.int64(3), keyID: statement.text(4) ?? "", signature: statement.blob(5)))
        }
        return checkpoints
    }

    /// The newest checkpoint and the frontier stored with it, if any (and if the frontier fits it).
    public func latest() throws -> (checkpoint: Checkpoint, frontier: MerkleFrontier)? {
        guard hasTables else { return nil }
        let statement = try connection.prepare(
            "SELECT tree_size, root, head, time, key_id, signature, frontier FROM checkpoints ORDER BY id DESC LIMIT 1")
        guard try statement.step() else { return nil }
        let checkpoint = Checkpoint(
            treeSize: statement.int64(0), root: statement.blob(1), head: statement.blob(2), time: statement.int64(3),
            keyID: statement.text(4) ?? "", signature: statement.blob(5))
        guard let frontier = MerkleFrontier(count: Int(checkpoint.treeSize), serialized: statement.blob(6)) else {
            return nil
        }
        return (checkpoint, frontier)
    }

    /// Every public key the store has signed with, oldest first.
    public func keys() throws -> [KeyRecord] {
        guard hasTables else { return [] }
        let statement = try connection.prepare(
            "SELECT public_key, created_at, retired_at FROM signing_keys ORDER BY created_at, key_id")
        var keys: [KeyRecord] = []
        while try statement.step() {
            guard let key = try? Ed25519PublicKey(rawRepresentation: statement.blob(0)) else { continue }
            keys.append(
                KeyRecord(
                    key: key, createdAt: statement.int64(1),
                    retiredAt: statement.isNull(2) ? nil : statement.int64(2)))
        }
        return keys
    }

    /// Records `key` as the current signing key from `now` (no change if it is known), and marks
    /// every other key retired at `now`.
    public func adopt(_ key: Ed25519PublicKey, now: Int64) throws {
        try connection.transaction {
            let insert = try connection.prepare(
                "INSERT OR IGNORE INTO signing_keys (key_id, public_key, created_at) VALUES (?, ?, ?)")
            insert.bind(1, key.keyID)
            insert.bind(2, key.rawRepresentation)
            insert.bind(3, now)
            try insert.step()
            let retire = try connection.prepare(
                "UPDATE signing_keys SET retired_at = ? WHERE key_id != ? AND retired_at IS NULL")
            retire.bind(1, now)
            retire.bind(2, key.keyID)
            try retire.step()
        }
    }
}
