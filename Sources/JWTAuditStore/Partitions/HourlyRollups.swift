/// The partition's `hourly_rollups`: the per-minute `rollups` summed per hour, written in the same
/// transaction. A report over 30 days reads about 200,000 of these rows instead of millions of
/// minute rows (docs/storage.md). A partition written before this table existed gets it when the
/// writer next opens the file, summed from its minute rollups in the same transaction.
enum HourlyRollups {
    static let create = """
        CREATE TABLE IF NOT EXISTS hourly_rollups (
            hour INTEGER NOT NULL,
            service TEXT NOT NULL,
            kind INTEGER NOT NULL,
            outcome INTEGER NOT NULL,
            reason INTEGER NOT NULL,
            token_type INTEGER NOT NULL,
            events INTEGER NOT NULL,
            PRIMARY KEY (hour, service, kind, outcome, reason, token_type)
        ) WITHOUT ROWID;
        """

    static let upsert = """
        INSERT INTO hourly_rollups (hour, service, kind, outcome, reason, token_type, events) VALUES (?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (hour, service, kind, outcome, reason, token_type) DO UPDATE SET events = events + excluded.events
        """

    /// Sums the whole `rollups` table into `hourly_rollups` (the migration; exact, no block is read).
    static let backfill = """
        INSERT INTO hourly_rollups (hour, service, kind, outcome, reason, token_type, events)
        SELECT CASE WHEN minute >= 0 THEN minute / 60 ELSE (minute + 1) / 60 - 1 END AS hour, service, kind, outcome,
            reason, token_type, sum(events)
        FROM rollups GROUP BY 1, 2, 3, 4, 5, 6;
        """

    /// Adds the minute counts of one commit, summed per hour, through the prepared ``upsert``.
    static func write(_ minutes: [RollupKey: Int64], with statement: SQLiteStatement) throws {
        var hours: [RollupKey: Int64] = [:]
        for (key, events) in minutes {
            var hour = key
            hour.minute = key.minute >= 0 ? key.minute / 60 : (key.minute + 1) / 60 - 1
            hours[hour, default: 0] += events
        }
        for (key, events) in hours {
            statement.reset()
            statement.bind(1, key.minute)
            statement.bind(2, key.service)
            statement.bind(3, Int64(key.kind))
            statement.bind(4, Int64(key.outcome))
            statement.bind(5, Int64(key.reason))
            statement.bind(6, Int64(key.tokenType))
            statement.bind(7, events)
            try statement.step()
        }
    }
}
