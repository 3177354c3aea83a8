import Dispatch
import JWTAuditModel

/// Per-day counts from the partitions' rollups, for reports: one row per day, service, kind,
/// outcome, reason and token type. Reads `hourly_rollups` when both bounds are on whole hours and
/// the partition has that table, else the per-minute `rollups`; never a block. One partition per
/// core, on read-only connections of its own.
public struct DailyRollups: Sendable {
    /// Events of one day with one service, kind, outcome, reason and token type.
    public struct Row: Sendable, Hashable {
        /// The UTC day of the events' time.
        public var day: PartitionDay
        /// The emitting service.
        public var service: String
        /// What happened to the token.
        public var kind: EventKind
        /// The decision; nil for kinds other than `validate` that carry none.
        public var outcome: Outcome?
        /// Why a token was rejected; nil when accepted.
        public var reason: Reason?
        /// The token's type.
        public var tokenType: TokenType
        /// How many events.
        public var events: Int64
    }

    /// Every row, by day, then service, kind, outcome, reason and token type.
    public var rows: [Row]

    /// Reads the rollups for events with `from <= ts < to`, to the minute (bounds on whole minutes
    /// are exact; others count the whole minute that holds them).
    public static func read(_ directory: DataDirectory, from: Int64?, to: Int64?) throws -> DailyRollups {
        let fromMinute = from.map { Self.floorDiv($0, 60_000_000) } ?? Int64.min
        let toMinute = to.map { -Self.floorDiv(-$0, 60_000_000) } ?? Int64.max
        let hourly = (from.map { $0 % 3_600_000_000 == 0 } ?? true) && (to.map { $0 % 3_600_000_000 == 0 } ?? true)
        let days = try directory.storedDays().filter { day in
            !(from.map { day.end <= $0 } ?? false) && !(to.map { day.start >= $0 } ?? false)
        }
        var results = [Result<[Row], any Error>](repeating: .success([]), count: days.count)
        results.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let output = output
            DispatchQueue.concurrentPerform(iterations: days.count) { index in
                output[index] = Result { try Self.read(directory, days[index], fromMinute, toMinute, hourly: hourly) }
            }
        }
        return DailyRollups(rows: try results.flatMap { try $0.get() })
    }

    /// The rows of `day` over both tiers (a day archived and then given late events has both).
    private static func read(
        _ directory: DataDirectory, _ day: PartitionDay, _ fromMinute: Int64, _ toMinute: Int64, hourly: Bool
    ) throws -> [Row] {
        let tiers = try PartitionReader.openTiers(directory, day)
        guard tiers.count > 1 else {
            return try tiers.first.map { try read($0, day, fromMinute, toMinute, hourly: hourly) } ?? []
        }
        var events: [Row: Int64] = [:]
        var order: [Row] = []
        for connection in tiers {
            for var row in try read(connection, day, fromMinute, toMinute, hourly: hourly) {
                let count = row.events
                row.events = 0
                if events[row] == nil { order.append(row) }
                events[row, default: 0] += count
            }
        }
        return order.map { row in
            var row = row
            row.events = events[row] ?? 0
            return row
        }
    }

    private static func read(
        _ connection: SQLiteConnection, _ day: PartitionDay, _ fromMinute: Int64, _ toMinute: Int64, hourly: Bool
    ) throws -> [Row] {
        let useHours = try hourly
            && connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'hourly_rollups'") == 1
        let statement = try connection.prepare(
            """
            SELECT service, kind, outcome, reason, token_type, sum(events) FROM \(useHours ? "hourly_rollups" : "rollups")
            WHERE \(useHours ? "hour" : "minute") >= ? AND \(useHours ? "hour" : "minute") < ?
            GROUP BY service, kind, outcome, reason, token_type ORDER BY service, kind, outcome, reason, token_type
            """)
        statement.bind(1, useHours && fromMinute != Int64.min ? Self.floorDiv(fromMinute, 60) : fromMinute)
        statement.bind(2, useHours && toMinute != Int64.max ? Self.floorDiv(toMinute, 60) : toMinute)
        var rows: [Row] = []
        while try statement.step() {
            rows.append(
                Row(
                    day: day, service: statement.text(0) ?? "",
                    kind: UInt8(exactly: statement.int64(1)).flatMap(EventKind.init(rawValue:)) ?? .validate,
                    outcome: UInt8(exactly: statement.int64(2)).flatMap(Outcome.init(rawValue:)),
                    reason: UInt8(exactly: statement.int64(3)).flatMap(Reason.init(rawValue:)),
                    tokenType: UInt8(exactly: statement.int64(4)).flatMap(TokenType.init(rawValue:)) ?? .access,
                    events: statement.int64(5)))
        }
        return rows
    }

    static func floorDiv(_ value: Int64, _ divisor: Int64) -> Int64 {
        value >= 0 ? value / divisor : (value + 1) / divisor - 1
    }
}
