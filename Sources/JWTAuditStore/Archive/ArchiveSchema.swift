/// The tables of one archive file (`DATA/archive/events-DAY.sqlite`). They mirror a partition's
/// `blocks` and `rollups`, so search and statistics read both tiers with the same queries, plus what
/// the hash chain needs of a block whose stored bytes may have been recompressed (docs/integrity.md):
/// `payload_digest`, the SHA-256 of the online payload that the block's hash covers, and `run_id`,
/// the retention run that moved it (whose chained record attests the new bytes).
enum ArchiveSchema {
    static let create = """
        CREATE TABLE IF NOT EXISTS blocks (
            id INTEGER PRIMARY KEY,
            sealed INTEGER NOT NULL DEFAULT 1,
            min_ts INTEGER NOT NULL,
            max_ts INTEGER NOT NULL,
            min_received INTEGER NOT NULL,
            max_received INTEGER NOT NULL,
            event_count INTEGER NOT NULL,
            format INTEGER NOT NULL,
            seq INTEGER NOT NULL,
            prev_hash BLOB NOT NULL,
            hash BLOB NOT NULL,
            payload_digest BLOB NOT NULL,
            run_id INTEGER NOT NULL,
            keys BLOB NOT NULL,
            data BLOB NOT NULL
        );
        CREATE UNIQUE INDEX IF NOT EXISTS blocks_seq ON blocks (seq);
        \(PartitionSchema.rollupsTable)
        PRAGMA user_version = 1;
        """

    static let pragmas = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        """

    static let insertBlock = """
        INSERT INTO blocks (id, min_ts, max_ts, min_received, max_received, event_count, format, seq, prev_hash, hash,
            payload_digest, run_id, keys, data)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """
}
