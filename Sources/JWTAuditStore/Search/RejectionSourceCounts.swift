import Dispatch
import JWTAuditModel

/// Rejected events by service, reason and client address, from the partitions' hourly
/// `rejection_sources` rollup (docs/storage.md). A partition that has no such table yet (written by
/// an older version and not opened by a writer since) is counted from its blocks instead, and named
/// in ``computedFromBlocks``.
public struct RejectionSourceCounts: Sendable {
    /// Rejected events of one service, reason and client address.
    public struct Row: Sendable, Hashable {
        /// The service that rejected the tokens.
        public var service: String
        /// The reason it gave; nil if the event carried none.
        public var reason: Reason?
        /// The client address as stored (a pseudonym when pseudonymised); nil when events carried none.
        public var clientIP: String?
        /// How many events.
        public var events: Int64
    }

    /// The rows kept (all, or the `limit` largest), most events first, then by service, reason and address.
    public var rows: [Row]
    /// Rows in the period before any limit: distinct (service, reason, address).
    public var totalRows: Int
    /// Rejected events in the period, over all rows.
    public var totalEvents: Int64
    /// Distinct addresses (an event without one counts as one more).
    public var distinctAddresses: Int
    /// Partitions counted by decoding blocks because they have no `rejection_sources` table.
    public var computedFromBlocks: [PartitionDay]

    /// Reads the counts for the hours that overlap `from..<to` (bounds on whole hours are exact),
    /// keeping the `limit` largest rows (all when nil).
    public static func read(_ directory: DataDirectory, from: Int64?, to: Int64?, limit: Int? = nil) throws
        -> RejectionSourceCounts
    {
        let fromHour = from.map(RejectionSources.hour) ?? Int64.min
        let toHour = to.map { RejectionSources.hour($0 - 1) + 1 } ?? Int64.max
        let days = try directory.storedDays().filter { day in
            !(from.map { day.end <= $0 } ?? false) && !(to.map { day.start >= $0 } ?? false)
        }
        var results = [Result<([RejectionSources.Key: Int64], Bool), any Error>](
            repeating: .success(([:], false)), count: days.count)
        results.withUnsafeMutableBufferPointer { output in
            nonisolated(unsafe) let output = output
            DispatchQueue.concurrentPerform(iterations: days.count) { index in
                output[index] = Result { try Self.read(directory, days[index], fromHour, toHour) }
            }
        }
        var totals: [RejectionSources.Key: Int64] = [:]
        var computed: [PartitionDay] = []
        for (day, result) in zip(days, results) {
            let (counts, fromBlocks) = try result.get()
            if fromBlocks { computed.append(day) }
            if totals.isEmpty {
                totals = counts
            } else {
                totals.merge(counts, uniquingKeysWith: +)
            }
        }
        var addresses = Set<String>()
        var events: Int64 = 0
        for (key, count) in totals {
            addresses.insert(key.clientIP)
            events += count
        }
        let keep = limit ?? totals.count
        var best: [(key: RejectionSources.Key, events: Int64)] = []
        best.reserveCapacity(min(keep, totals.count) + 1)
        if keep >= totals.count {
            best = totals.map { ($0.key, $0.value) }
            best.sort(by: Self.before)
        } else if keep > 0 {
            // The `keep` largest without sorting every row: most are rejected by one integer comparison.
            for (key, count) in totals {
                let candidate = (key: key, events: count)
                if best.count == keep, let worst = best.last, !Self.before(candidate, worst) { continue }
                let position = best.firstIndex { Self.before(candidate, $0) } ?? best.count
                best.insert(candidate, at: position)
                if best.count > keep { best.removeLast() }
            }
        }
        let rows = best.map { entry in
            Row(
                service: entry.key.service, reason: Reason(rawValue: entry.key.reason),
                clientIP: entry.key.clientIP.isEmpty ? nil : entry.key.clientIP, events: entry.events)
        }
        return RejectionSourceCounts(
            rows: rows, totalRows: totals.count, totalEvents: events, distinctAddresses: addresses.count,
            computedFromBlocks: computed)
    }

    /// Most events first, then service, reason code and address.
    private static func before(
        _ lhs: (key: RejectionSources.Key, events: Int64), _ rhs: (key: RejectionSources.Key, events: Int64)
    ) -> Bool {
        if lhs.events != rhs.events { return lhs.events > rhs.events }
        if lhs.key.service != rhs.key.service { return lhs.key.service < rhs.key.service }
        if lhs.key.reason != rhs.key.reason { return lhs.key.reason < rhs.key.reason }
        return lhs.key.clientIP < rhs.key.clientIP
    }

    /// The counts of `day` over both tiers; true when some were counted from blocks.
    private static func read(_ directory: DataDirectory, _ day: PartitionDay, _ fromHour: Int64, _ toHour: Int64)
        throws -> ([RejectionSources.Key: Int64], Bool)
    {
        var counts: [RejectionSources.Key: Int64] = [:]
        var computed = false
        for connection in try PartitionReader.openTiers(directory, day) {
            let (tier, fromBlocks) = try read(connection, fromHour, toHour)
            counts.merge(tier, uniquingKeysWith: +)
            computed = computed || fromBlocks
        }
        return (counts, computed)
    }

    private static func read(_ connection: SQLiteConnection, _ fromHour: Int64, _ toHour: Int64)
        throws -> ([RejectionSources.Key: Int64], Bool)
    {
        var counts: [RejectionSources.Key: Int64] = [:]
        let hasTable = try connection.scalarInt(
            "SELECT count(*) FROM sqlite_master WHERE name = 'rejection_sources'") == 1
        guard hasTable else {
            var byHour: [RejectionSources.Key: Int64] = [:]
            try RejectionSources.scan(connection, fromHour: fromHour, toHour: toHour, into: &byHour)
            for (key, events) in byHour {
                var key = key
                key.hour = 0
                counts[key, default: 0] += events
            }
            return (counts, true)
        }
        // Summed here rather than with GROUP BY: SQLite sorts for a GROUP BY, which cost several times more.
        let statement = try connection.prepare(
            """
            SELECT service, reason, client_ip, events FROM rejection_sources WHERE hour >= ? AND hour < ?
            """)
        statement.bind(1, fromHour)
        statement.bind(2, toHour)
        while try statement.step() {
            let key = RejectionSources.Key(
                hour: 0, service: statement.text(0) ?? "", reason: UInt8(clamping: statement.int64(1)),
                clientIP: statement.text(2) ?? "")
            counts[key, default: 0] += statement.int64(3)
        }
        return (counts, false)
    }
}
