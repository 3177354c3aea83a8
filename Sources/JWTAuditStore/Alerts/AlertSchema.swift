/// The tables of `alerts.sqlite`: plain columns, no compression, so that `sqlite3` (and its JSON
/// functions on `key_json`, `mitre` and `compliance`) can query them directly.
///
/// `alert_history` and `notes` are append-only: triggers abort any UPDATE or DELETE on their rows,
/// whoever issues it. That resists mistakes and casual tampering; someone who can write the file can
/// still drop the triggers, which is why the data folder is 0700.
enum AlertSchema {
    static let version = 1

    /// Settings for every writing connection: WAL, and a commit is durable when it returns.
    static let writerPragmas = """
        PRAGMA journal_mode = WAL;
        PRAGMA synchronous = FULL;
        PRAGMA foreign_keys = ON;
        """

    static let create = """
        CREATE TABLE IF NOT EXISTS alerts (
            id INTEGER PRIMARY KEY,
            rule TEXT NOT NULL,
            severity TEXT NOT NULL CHECK (severity IN ('low', 'medium', 'high', 'critical')),
            key_text TEXT NOT NULL,
            key_json TEXT NOT NULL,
            first_seen INTEGER NOT NULL,
            last_seen INTEGER NOT NULL,
            count INTEGER NOT NULL,
            summary TEXT NOT NULL,
            mitre TEXT NOT NULL,
            compliance TEXT NOT NULL,
            status TEXT NOT NULL CHECK (status IN ('open', 'acknowledged', 'resolved', 'false_positive')),
            assignee TEXT,
            created_at INTEGER NOT NULL,
            updated_at INTEGER NOT NULL,
            suppression INTEGER NOT NULL
        );
        CREATE INDEX IF NOT EXISTS alerts_by_status ON alerts (status, last_seen);
        CREATE INDEX IF NOT EXISTS alerts_by_rule ON alerts (rule, last_seen);
        CREATE INDEX IF NOT EXISTS alerts_by_severity ON alerts (severity, last_seen);
        CREATE INDEX IF NOT EXISTS alerts_by_last_seen ON alerts (last_seen);
        CREATE INDEX IF NOT EXISTS alerts_dedup ON alerts (rule, key_text, status);

        CREATE TABLE IF NOT EXISTS samples (
            alert_id INTEGER NOT NULL REFERENCES alerts (id),
            position INTEGER NOT NULL,
            ts INTEGER NOT NULL,
            received_at INTEGER NOT NULL,
            service TEXT NOT NULL,
            kind TEXT NOT NULL,
            outcome TEXT,
            reason TEXT,
            token_type TEXT NOT NULL,
            sub TEXT,
            jti TEXT,
            client_ip TEXT,
            kid TEXT,
            alg TEXT,
            producer TEXT,
            seq INTEGER,
            PRIMARY KEY (alert_id, position)
        ) WITHOUT ROWID;

        CREATE TABLE IF NOT EXISTS notes (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER NOT NULL REFERENCES alerts (id),
            author TEXT NOT NULL,
            at INTEGER NOT NULL,
            text TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS notes_by_alert ON notes (alert_id, id);

        CREATE TABLE IF NOT EXISTS alert_history (
            id INTEGER PRIMARY KEY,
            alert_id INTEGER NOT NULL REFERENCES alerts (id),
            at INTEGER NOT NULL,
            who TEXT NOT NULL,
            action TEXT NOT NULL,
            from_value TEXT,
            to_value TEXT,
            note TEXT
        );
        CREATE INDEX IF NOT EXISTS alert_history_by_alert ON alert_history (alert_id, id);

        CREATE TRIGGER IF NOT EXISTS alert_history_no_update BEFORE UPDATE ON alert_history
        BEGIN SELECT RAISE(ABORT, 'alert history is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS alert_history_no_delete BEFORE DELETE ON alert_history
        BEGIN SELECT RAISE(ABORT, 'alert history is append-only'); END;
        CREATE TRIGGER IF NOT EXISTS notes_no_update BEFORE UPDATE ON notes
        BEGIN SELECT RAISE(ABORT, 'alert notes are append-only'); END;
        CREATE TRIGGER IF NOT EXISTS notes_no_delete BEFORE DELETE ON notes
        BEGIN SELECT RAISE(ABORT, 'alert notes are append-only'); END;

        PRAGMA user_version = 1;
        """

    /// The columns ``AlertStore`` reads an alert from, in the order its decoder expects.
    static let alertColumns = """
        id, rule, severity, key_json, first_seen, last_seen, count, summary, mitre, compliance, status, assignee,
        created_at, updated_at
        """

    static let sampleColumns = """
        ts, received_at, service, kind, outcome, reason, token_type, sub, jti, client_ip, kid, alg, producer, seq
        """
}
