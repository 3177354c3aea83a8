import Glibc
import JWTAuditModel

/// The layout of a data folder:
///
///     DATA/partitions/events-YYYY-MM-DD.sqlite   one SQLite file per UTC day of event time
///     DATA/meta.sqlite                           quarantine of rejected lines, store metadata
///     DATA/alerts.sqlite                         alerts, their notes and append-only history
///     DATA/secrets/token-fingerprint.key         per-store HMAC secret for token_fp (0600)
public struct DataDirectory: Sendable {
    /// The folder itself.
    public let root: String

    public var partitionsPath: String { root + "/partitions" }
    public var secretsPath: String { root + "/secrets" }
    public var metaPath: String { root + "/meta.sqlite" }
    /// The alert store (``AlertStore``): uncompressed, queryable with `sqlite3`.
    public var alertsPath: String { root + "/alerts.sqlite" }

    /// A data folder at `root`, which need not exist yet.
    public init(root: String) {
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
    }

    /// Creates the folder and its subfolders (mode 0700) where missing, and refuses a folder that
    /// other users may write to.
    public func prepare() throws {
        for path in [root, partitionsPath, secretsPath] {
            try FileSystem.makeDirectory(path, mode: 0o700)
            try FileSystem.refuseWorldWritable(path)
        }
    }

    /// The file of the partition that holds `day`.
    public func partitionPath(_ day: PartitionDay) -> String {
        "\(partitionsPath)/events-\(day.name).sqlite"
    }

    /// The days that have a partition file, oldest first.
    public func partitionDays() throws -> [PartitionDay] {
        try FileSystem.listDirectory(partitionsPath).compactMap { name in
            guard name.hasPrefix("events-"), name.hasSuffix(".sqlite") else { return nil }
            return PartitionDay(name: String(name.dropFirst(7).dropLast(7)))
        }.sorted()
    }

    /// The archive tier (docs/storage.md): one file per day, written only by the retention job.
    public var archivePath: String { root + "/archive" }

    /// The archive file of `day`.
    public func archivePath(_ day: PartitionDay) -> String {
        "\(archivePath)/events-\(day.name).sqlite"
    }

    /// The days that have an archive file, oldest first.
    public func archiveDays() throws -> [PartitionDay] {
        guard FileSystem.exists(archivePath) else { return [] }
        return try FileSystem.listDirectory(archivePath).compactMap { name in
            guard name.hasPrefix("events-"), name.hasSuffix(".sqlite") else { return nil }
            return PartitionDay(name: String(name.dropFirst(7).dropLast(7)))
        }.sorted()
    }

    /// The days that have events stored in either tier, oldest first.
    public func storedDays() throws -> [PartitionDay] {
        Set(try partitionDays() + archiveDays()).sorted()
    }

    /// Bytes on disk of one day's archive file with its WAL.
    public func archiveBytes(_ day: PartitionDay) -> Int64 {
        let base = archivePath(day)
        return [base, base + "-wal"].reduce(0) { $0 + FileSystem.size($1) }
    }

    /// Bytes on disk of one partition: the database with its WAL.
    public func partitionBytes(_ day: PartitionDay) -> Int64 {
        let base = partitionPath(day)
        return [base, base + "-wal"].reduce(0) { $0 + FileSystem.size($1) }
    }
}

/// One UTC day of event time: the unit of partitioning and of retention.
public struct PartitionDay: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Days since 1970-01-01.
    public let daysSinceEpoch: Int64

    static let microsPerDay: Int64 = 86_400 * 1_000_000

    public init(daysSinceEpoch: Int64) {
        self.daysSinceEpoch = daysSinceEpoch
    }

    /// The day that holds `micros` (microseconds since the epoch).
    public init(containing micros: Int64) {
        daysSinceEpoch = micros >= 0 ? micros / Self.microsPerDay : (micros + 1) / Self.microsPerDay - 1
    }

    /// Parses `YYYY-MM-DD`.
    public init?(name: String) {
        guard name.utf8.count == 10, let start = Timestamp.parseRFC3339(name + "T00:00:00Z") else { return nil }
        self.init(containing: start)
    }

    /// First microsecond of the day.
    public var start: Int64 { daysSinceEpoch * Self.microsPerDay }
    /// First microsecond of the next day.
    public var end: Int64 { start + Self.microsPerDay }

    /// `YYYY-MM-DD`.
    public var name: String { String(Timestamp.format(start).prefix(10)) }

    public var description: String { name }

    public static func < (lhs: PartitionDay, rhs: PartitionDay) -> Bool {
        lhs.daysSinceEpoch < rhs.daysSinceEpoch
    }
}
