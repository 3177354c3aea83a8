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

    /// Every row, most events first, then by service, reason and address.
    public var rows: [Row]
    /// Partitions counted by decoding blocks because they have no `rejection_sources` table.
    public var computedFromBlocks: [PartitionDay]

    /// Reads the counts for the hours that overlap `from..<to` (bounds on whole hours are exact).
    public static func read(_ directory: DataDirectory, from: Int64?, to: Int64?) throws -> RejectionSourceCounts {
        let fromHour = from.map(RejectionSources.hour) ?? Int64.min
        let toHour = to.map { RejectionSources.hour($0 - 1) + 1 } ?? Int64.max
        let days = try directory.partitionDays().filter { day in
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
        var totals: [Row: Int64] = [:]
        var computed: [PartitionDay] = []
        for (day, result) in zip(days, results) {
            let (counts, fromBlocks) = try result.get()
            if fromBlocks { computed.append(day) }
            for (key, events) in counts {
                let row = Row(
                    service: key.service, reason: Reason(rawValue: key.reason),
                    clientIP: key.clientIP.isEmpty ? nil : key.clientIP, events: 0)
                totals[row, default: 0] += events
            }
        }
        let rows = totals.map { row, events in
            var row = row
            row.events = events
            return row
        }.sorted { lhs, rhs in
            if lhs.events != rhs.events { return lhs.events > rhs.events }
            if lhs.service != rhs.service { return lhs.service < rhs.service }
            let left = lhs.reason?.rawValue ?? 255
            let right = rhs.reason?.rawValue ?? 255
            if left != right { return left < right }
            return (lhs.clientIP ?? "") < (rhs.clientIP ?? "")
        }
        return RejectionSourceCounts(rows: rows, computedFromBlocks: computed)
    }

    private static func read(_ directory: DataDirectory, _ day: PartitionDay, _ fromHour: Int64, _ toHour: Int64)
        throws -> ([RejectionSources.Key: Int64], Bool)
    {
        guard let connection = try PartitionReader.open(directory, day) else { return ([:], false) }
        var counts: [RejectionSources.Key: Int64] = [:]
        let hasTable = try connection.scalarInt(
            "SELECT count(*) FROM sqlite_master WHERE name = 'rejection_sources'") == 1
        guard hasTable else {
            try RejectionSources.scan(connection, fromHour: fromHour, toHour: toHour, into: &counts)
            return (counts, true)
        }
        let statement = try connection.prepare(
            """
            SELECT service, reason, client_ip, sum(events) FROM rejection_sources
            WHERE hour >= ? AND hour < ? GROUP BY service, reason, client_ip
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
