/// Opens partitions for reading, on connections of the reader's own.
enum PartitionReader {
    /// A read-only connection to the partition of `day`, or nil while the writer is still
    /// creating it (the file exists before its tables do) or once retention removed it.
    static func open(_ directory: DataDirectory, _ day: PartitionDay) throws -> SQLiteConnection? {
        try open(directory.partitionPath(day))
    }

    /// A read-only connection to the archive file of `day`, or nil when there is none.
    static func openArchive(_ directory: DataDirectory, _ day: PartitionDay) throws -> SQLiteConnection? {
        try open(directory.archivePath(day))
    }

    /// Both tiers of `day` that exist: the online partition first, then the archive file.
    static func openTiers(_ directory: DataDirectory, _ day: PartitionDay) throws -> [SQLiteConnection] {
        [try open(directory, day), try openArchive(directory, day)].compactMap { $0 }
    }

    private static func open(_ path: String) throws -> SQLiteConnection? {
        guard FileSystem.exists(path) else { return nil }
        let connection: SQLiteConnection
        do {
            connection = try SQLiteConnection(path: path, readOnly: true)
        } catch {
            // Removed by the retention job between the listing and the open.
            if !FileSystem.exists(path) { return nil }
            throw error
        }
        let ready = try connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'rollups'")
        return ready == 1 ? connection : nil
    }
}
