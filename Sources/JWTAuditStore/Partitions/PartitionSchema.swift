/// The tables of one partition file. Small columns come before the blobs so that scanning
/// block metadata does not read event data.
///
/// Version 2 adds the hash chain (docs/integrity.md): `seq` (the block's place in the chain, NULL
/// while unsealed), `prev_hash` and `hash`. A version 1 file gets them appended by ``migrate``.
enum PartitionSchema {
    static let version = 2

    /// Events per minute × service × kind × outcome × reason × token type; the archive tier keeps
    /// the same table, so statistics read both tiers with the same queries.
    static let rollupsTable = """
        CREATE TABLE IF NOT EXISTS rollups (
            minute INTEGER NOT NULL,
            service TEXT NOT NULL,
            kind INTEGER NOT NULL,
            outcome INTEGER NOT NULL,
            reason INTEGER NOT NULL,
            token_type INTEGER NOT NULL,
            events INTEGER NOT NULL,
            PRIMARY KEY (minute, service, kind, outcome, reason, token_type)
        ) WITHOUT ROWID;
        """

    static let create = """
        CREATE TABLE IF NOT EXISTS blocks (
            id INTEGER PRIMARY KEY,
            sealed INTEGER NOT NULL,
            min_ts INTEGER NOT NULL,
            max_ts INTEGER NOT NULL,
            min_received INTEGER NOT NULL,
            max_received INTEGER NOT NULL,
            event_count INTEGER NOT NULL,
            format INTEGER NOT NULL,
            seq INTEGER,
            prev_hash BLOB,
            hash BLOB,
            keys BLOB NOT NULL,
            data BLOB NOT NULL
        );
        CREATE TABLE IF NOT EXISTS producers (
            name TEXT PRIMARY KEY,
            max_seq INTEGER NOT NULL
        ) WITHOUT ROWID;
        \(rollupsTable)
        """

    /// Adds the chain columns to a version 1 file (its sealed blocks are chained by the writer at start).
    static let migrateFromVersion1 = """
        ALTER TABLE blocks ADD COLUMN seq INTEGER;
        ALTER TABLE blocks ADD COLUMN prev_hash BLOB;
        ALTER TABLE blocks ADD COLUMN hash BLOB;
        """

    /// Run after ``create`` (and a migration): the chain index, and the version mark.
    static let finish = """
        CREATE UNIQUE INDEX IF NOT EXISTS blocks_seq ON blocks (seq);
        PRAGMA user_version = 2;
        """

    /// Settings for the writer's connection: WAL, and a commit is durable when it returns.
    static let writerPragmas = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        PRAGMA wal_autocheckpoint = 4000;
        PRAGMA foreign_keys = OFF;
        """

    static let insertBlock = """
        INSERT INTO blocks (id, sealed, min_ts, max_ts, min_received, max_received, event_count, format, keys, data,
            seq, prev_hash, hash)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    static let deleteBlock = "DELETE FROM blocks WHERE id = ?"

    static let upsertProducer = """
        INSERT INTO producers (name, max_seq) VALUES (?, ?)
        ON CONFLICT (name) DO UPDATE SET max_seq = max(max_seq, excluded.max_seq)
        """

    static let upsertRollup = """
        INSERT INTO rollups (minute, service, kind, outcome, reason, token_type, events) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (minute, service, kind, outcome, reason, token_type) DO UPDATE SET events = events + excluded.events
        """

    /// Stored in `rollups.outcome` / `rollups.reason` where the event has none.
    static let none: Int64 = 255
}
