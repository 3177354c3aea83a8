/// What each partition holds, from block metadata only (no event data is read): for retention
/// evidence (oldest and newest stored event) and store sizes.
public struct PartitionInventory: Sendable {
    /// One partition.
    public struct Entry: Sendable, Hashable {
        /// The UTC day the partition holds.
        public var day: PartitionDay
        /// Blocks stored, sealed or not.
        public var blocks: Int64
        /// Events in those blocks.
        public var events: Int64
        /// Earliest and latest event time (µs) among its blocks; nil for an empty partition.
        public var oldest: Int64?
        /// Latest event time (µs).
        public var newest: Int64?
        /// Bytes on disk, with the write-ahead log.
        public var bytes: Int64
        /// Whether this is the day's archive file rather than its online partition.
        public var archived: Bool = false
    }

    /// Every partition and archive file, oldest day first (a day with both tiers has two entries).
    public var entries: [Entry]

    /// Earliest event time stored, if any.
    public var oldestEvent: Int64? { entries.compactMap(\.oldest).min() }
    /// Latest event time stored, if any.
    public var newestEvent: Int64? { entries.compactMap(\.newest).max() }
    /// Earliest event time stored in the online tier, if any.
    public var oldestOnlineEvent: Int64? { entries.filter { !$0.archived }.compactMap(\.oldest).min() }
    /// Days with events in either tier.
    public var days: Int { Set(entries.map(\.day)).count }
    /// Events stored over all partitions.
    public var events: Int64 { entries.reduce(0) { $0 + $1.events } }

    /// Reads the block metadata of every partition of `directory`.
    public static func read(_ directory: DataDirectory) throws -> PartitionInventory {
        var entries: [Entry] = []
        for day in try directory.storedDays() {
            let tiers = [
                (try PartitionReader.open(directory, day), directory.partitionBytes(day), false),
                (try PartitionReader.openArchive(directory, day), directory.archiveBytes(day), true),
            ]
            for case (let connection?, let bytes, let archived) in tiers {
                let statement = try connection.prepare(
                    "SELECT count(*), coalesce(sum(event_count), 0), min(min_ts), max(max_ts) FROM blocks")
                guard try statement.step() else { continue }
                entries.append(
                    Entry(
                        day: day, blocks: statement.int64(0), events: statement.int64(1),
                        oldest: statement.isNull(2) ? nil : statement.int64(2),
                        newest: statement.isNull(3) ? nil : statement.int64(3), bytes: bytes, archived: archived))
            }
        }
        return PartitionInventory(entries: entries)
    }
}
