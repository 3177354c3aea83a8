import JWTAuditModel

/// One rollup row with its count, as the retention job copies or takes it away between tiers.
struct RollupRow: Hashable {
    var minute: Int64
    var service: String
    var kind: Int64
    var outcome: Int64
    var reason: Int64
    var tokenType: Int64
    var events: Int64

    /// Every row of the `rollups` table `connection` is open on.
    static func all(_ connection: SQLiteConnection) throws -> [RollupRow] {
        let statement = try connection.prepare(
            "SELECT minute, service, kind, outcome, reason, token_type, events FROM rollups")
        var rows: [RollupRow] = []
        while try statement.step() {
            rows.append(
                RollupRow(
                    minute: statement.int64(0), service: statement.text(1) ?? "", kind: statement.int64(2),
                    outcome: statement.int64(3), reason: statement.int64(4), tokenType: statement.int64(5),
                    events: statement.int64(6)))
        }
        return rows
    }

    /// The rollup rows of `events`.
    static func counting(_ events: [AuditEvent]) -> [RollupRow] {
        var counts: [RollupKey: Int64] = [:]
        for event in events { counts[RollupKey(event), default: 0] += 1 }
        return counts.map { key, count in
            RollupRow(
                minute: key.minute, service: key.service, kind: Int64(key.kind), outcome: Int64(key.outcome),
                reason: Int64(key.reason), tokenType: Int64(key.tokenType), events: count)
        }
    }

    /// Adds `rows` (their counts times `sign`) to the `rollups` table of `connection`, inside the
    /// caller's transaction, and deletes rows left at zero or below.
    static func add(_ rows: [RollupRow], sign: Int64, to connection: SQLiteConnection) throws {
        let add = try connection.prepare(PartitionSchema.upsertRollup)
        for row in rows {
            add.reset()
            add.bind(1, row.minute)
            add.bind(2, row.service)
            add.bind(3, row.kind)
            add.bind(4, row.outcome)
            add.bind(5, row.reason)
            add.bind(6, row.tokenType)
            add.bind(7, sign * row.events)
            _ = try add.step()
        }
        if sign < 0 { try connection.execute("DELETE FROM rollups WHERE events <= 0") }
    }
}
