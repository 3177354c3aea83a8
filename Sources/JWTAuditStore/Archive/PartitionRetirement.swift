import Glibc

/// Removes an online partition file the retention job has emptied (moved to the archive or
/// deleted), on the writer's thread so that no write is in flight, and only if nothing was written
/// to it since the job read it.
enum PartitionRetirement {
    static func removeIfUnchanged(_ directory: DataDirectory, _ day: PartitionDay, _ snapshot: PartitionSnapshot)
        throws -> Bool
    {
        let base = directory.partitionPath(day)
        guard FileSystem.exists(base) else { return true }
        do {
            let connection = try SQLiteConnection(path: base, create: false)
            guard try PartitionSnapshot.read(connection) == snapshot else { return false }
        }
        for path in [base, base + "-wal", base + "-shm"] where FileSystem.exists(path) {
            guard unlink(path) == 0 else {
                throw IntegrityError("cannot remove \(path): \(FileSystem.errnoText())")
            }
        }
        try FileSystem.syncDirectory(directory.partitionsPath)
        return true
    }
}
