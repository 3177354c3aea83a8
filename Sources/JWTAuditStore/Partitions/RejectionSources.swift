import JWTAuditBlocks
import JWTAuditModel

/// The partition's `rejection_sources` rollup: rejected events per hour × service × reason × client
/// address, written in the same transaction as the events (the per-minute `rollups` have no address).
/// Reports read it for "invalid access attempts by source" without decoding blocks.
///
/// `client_ip` is kept as the stored event has it (a pseudonym once pseudonymisation stores one); an
/// event without an address counts under `''`. A partition written before this table existed gets
/// it when the writer next opens the file, filled from its blocks in the same transaction.
enum RejectionSources {
    static let create = """
        CREATE TABLE IF NOT EXISTS rejection_sources (
            hour INTEGER NOT NULL,
            service TEXT NOT NULL,
            reason INTEGER NOT NULL,
            client_ip TEXT NOT NULL,
            events INTEGER NOT NULL,
            PRIMARY KEY (hour, service, reason, client_ip)
        ) WITHOUT ROWID;
        """

    static let upsert = """
        INSERT INTO rejection_sources (hour, service, reason, client_ip, events) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (hour, service, reason, client_ip) DO UPDATE SET events = events + excluded.events
        """

    /// One row's key.
    struct Key: Hashable {
        var hour: Int64
        var service: String
        var reason: UInt8
        var clientIP: String
    }

    static let microsPerHour: Int64 = 3_600_000_000

    /// The hour (since the epoch) that holds `micros`.
    static func hour(_ micros: Int64) -> Int64 {
        micros >= 0 ? micros / microsPerHour : (micros + 1) / microsPerHour - 1
    }

    /// Rejected events of `events` counted by key.
    static func count<Events: Sequence>(_ events: Events, into counts: inout [Key: Int64])
    where Events.Element == AuditEvent {
        for event in events where event.outcome == .rejected {
            let key = Key(
                hour: hour(event.timestamp), service: event.service,
                reason: event.reason?.rawValue ?? UInt8(PartitionSchema.none), clientIP: event.clientIP ?? "")
            counts[key, default: 0] += 1
        }
    }

    /// Adds `counts` through the prepared ``upsert``.
    static func write(_ counts: [Key: Int64], with statement: SQLiteStatement) throws {
        for (key, events) in counts {
            statement.reset()
            statement.bind(1, key.hour)
            statement.bind(2, key.service)
            statement.bind(3, Int64(key.reason))
            statement.bind(4, key.clientIP)
            statement.bind(5, events)
            try statement.step()
        }
    }

    /// Counts every stored event of the partition (sealed and unsealed blocks) into the table.
    static func backfill(_ connection: SQLiteConnection) throws {
        var counts: [Key: Int64] = [:]
        try scan(connection, fromHour: Int64.min, toHour: Int64.max, into: &counts)
        try write(counts, with: try connection.prepare(upsert))
    }

    /// Counts rejected events of hours `fromHour..<toHour` by decoding the partition's blocks (for a
    /// partition that has no table yet and is opened read-only).
    static func scan(_ connection: SQLiteConnection, fromHour: Int64, toHour: Int64, into counts: inout [Key: Int64])
        throws
    {
        let statement = try connection.prepare("SELECT data FROM blocks ORDER BY id")
        while try statement.step() {
            let events = try statement.withBlob(0) { try BlockCodec.decode($0) }
            count(events.lazy.filter { (fromHour..<toHour).contains(hour($0.timestamp)) }, into: &counts)
        }
    }
}
