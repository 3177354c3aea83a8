import JWTAuditModel

/// Counts from the per-minute rollups, and the bytes the store uses.
public struct StoreStatistics: Sendable {
    /// One rollup group: events of a service with an outcome and reason.
    public struct Group: Sendable, Hashable {
        public var service: String
        public var outcome: Outcome?
        public var reason: Reason?
        public var events: Int64
    }

    /// Groups ordered by service, then outcome and reason.
    public var groups: [Group]
    /// Events counted in the rollups for the range.
    public var totalEvents: Int64
    /// Bytes on disk of the partitions that overlap the range.
    public var storedBytes: Int64
    /// Events stored in those partitions (all of each partition, not only the range).
    public var storedEvents: Int64

    /// Of `storedEvents`, those in the archive tier.
    public var archivedEvents: Int64 = 0
    /// Of `storedBytes`, those of the archive tier.
    public var archivedBytes: Int64 = 0

    /// Stored bytes per stored event, or nil for an empty store.
    public var bytesPerEvent: Double? {
        storedEvents > 0 ? Double(storedBytes) / Double(storedEvents) : nil
    }

    private static func ordered(_ lhs: Group, _ rhs: Group) -> Bool {
        if lhs.service != rhs.service { return lhs.service < rhs.service }
        let left = (lhs.outcome?.rawValue ?? 255, lhs.reason?.rawValue ?? 255)
        let right = (rhs.outcome?.rawValue ?? 255, rhs.reason?.rawValue ?? 255)
        return left < right
    }

    /// Reads the rollups of `directory` for events with `from <= ts < to` (to the minute), from
    /// both tiers: a day moved to the archive tier keeps its rollups there.
    public static func read(_ directory: DataDirectory, from: Int64?, to: Int64?) throws -> StoreStatistics {
        var counts: [Group: Int64] = [:]
        var storedBytes: Int64 = 0
        var storedEvents: Int64 = 0
        let fromMinute = from.map { $0 / 60_000_000 } ?? Int64.min
        let toMinute = to.map { ($0 + 59_999_999) / 60_000_000 } ?? Int64.max
        var archivedEvents: Int64 = 0
        var archivedBytes: Int64 = 0
        for day in try directory.storedDays() {
            if let from, day.end <= from { continue }
            if let to, day.start >= to { continue }
            for (tier, connection) in [
                (false, try PartitionReader.open(directory, day)), (true, try PartitionReader.openArchive(directory, day)),
            ] {
                guard let connection else { continue }
                let statement = try connection.prepare(
                    """
                    SELECT service, outcome, reason, sum(events) FROM rollups
                    WHERE minute >= ? AND minute < ? GROUP BY service, outcome, reason
                    """)
                statement.bind(1, fromMinute)
                statement.bind(2, toMinute)
                while try statement.step() {
                    let outcome = UInt8(exactly: statement.int64(1)).flatMap(Outcome.init(rawValue:))
                    let reason = UInt8(exactly: statement.int64(2)).flatMap(Reason.init(rawValue:))
                    let group = Group(service: statement.text(0) ?? "", outcome: outcome, reason: reason, events: 0)
                    counts[group, default: 0] += statement.int64(3)
                }
                let events = try connection.scalarInt("SELECT coalesce(sum(event_count), 0) FROM blocks") ?? 0
                let bytes = tier ? directory.archiveBytes(day) : directory.partitionBytes(day)
                storedEvents += events
                storedBytes += bytes
                if tier {
                    archivedEvents += events
                    archivedBytes += bytes
                }
            }
        }
        let groups = counts.map { group, events in
            var group = group
            group.events = events
            return group
        }.sorted(by: Self.ordered)
        var statistics = StoreStatistics(
            groups: groups, totalEvents: groups.reduce(0) { $0 + $1.events }, storedBytes: storedBytes,
            storedEvents: storedEvents)
        statistics.archivedEvents = archivedEvents
        statistics.archivedBytes = archivedBytes
        return statistics
    }
}
