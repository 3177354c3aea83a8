import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting

/// A store whose every write is sealed at once (one block per write and day), for the
/// integrity tests.
struct IntegrityFixture {
    let folder: TemporaryDirectory
    let directory: DataDirectory
    let writer: EventWriter
    var checkpointFile: String { folder.file("checkpoints.ndjson") }

    init() throws {
        folder = try TemporaryDirectory()
        directory = DataDirectory(root: folder.file("data"))
        var configuration = StoreConfiguration()
        configuration.sealThreshold = 1
        writer = try EventWriter(directory: directory, configuration: configuration)
    }

    /// Writes `blocks` blocks of three events each, alternating between two days; block `n`
    /// (1-based, counting from `first`) holds events `3n…3n+2`.
    func writeBlocks(_ blocks: Int, first: Int = 1) throws {
        for block in first..<first + blocks {
            try writer.write((0..<3).map { EventFactory.event(block * 3 + $0, dayOffset: block % 2) }, now: 0)
        }
    }

    /// A checkpointer publishing to ``checkpointFile``.
    func checkpointer(now: Int64 = 1_000) throws -> Checkpointer {
        try Checkpointer(directory: directory, externalFile: checkpointFile, now: now)
    }

    /// Verifies with the external file and the store's own keys.
    func verify() throws -> VerificationReport {
        var verifier = StoreVerifier(directory: directory)
        verifier.checkpointFile = checkpointFile
        return try verifier.verify()
    }

    /// Runs `sql` on the partition of `dayOffset`.
    func tamper(dayOffset: Int, _ sql: String) throws {
        let day = PartitionDay(containing: EventFactory.baseTime + Int64(dayOffset) * 86_400_000_000)
        try SQLiteConnection(path: directory.partitionPath(day)).execute(sql)
    }
}
