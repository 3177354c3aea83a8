/// How many block rows an online partition holds and its highest row id: if either changed between
/// the retention job's read and the moment it removes the file, the writer wrote to it meanwhile
/// (a late event) and the file is kept.
public struct PartitionSnapshot: Sendable, Hashable {
    /// Block rows, sealed or not.
    public var blocks: Int64
    /// Highest block row id, 0 for none.
    public var maxBlockID: Int64

    /// A snapshot from its fields.
    public init(blocks: Int64, maxBlockID: Int64) {
        self.blocks = blocks
        self.maxBlockID = maxBlockID
    }

    /// The snapshot of the partition `connection` is open on.
    static func read(_ connection: SQLiteConnection) throws -> PartitionSnapshot {
        let statement = try connection.prepare("SELECT count(*), coalesce(max(id), 0) FROM blocks")
        _ = try statement.step()
        return PartitionSnapshot(blocks: statement.int64(0), maxBlockID: statement.int64(1))
    }
}
