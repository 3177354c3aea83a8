/// Opens partitions for reading, on connections of the reader's own.
enum PartitionReader {
    /// A read-only connection to the partition of `day`, or nil while the writer is still
    /// creating it (the file exists before its tables do).
    static func open(_ directory: DataDirectory, _ day: PartitionDay) throws -> SQLiteConnection? {
        let connection = try SQLiteConnection(path: directory.partitionPath(day), readOnly: true)
        let ready = try connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'rollups'")
        return ready == 1 ? connection : nil
    }
}
