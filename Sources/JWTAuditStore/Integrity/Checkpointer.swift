import JWTAuditCrypto

/// Signs checkpoints over the hash chain as the daemon runs: reads the hashes of blocks sealed
/// since its last look (on its own read-only connections, so the writer is never held up),
/// extends the Merkle tree, signs the new head with the store's key, records it in `meta.sqlite`
/// and appends it to the external checkpoint file.
///
/// Not thread-safe: one caller (the checkpoint service) drives it.
public final class Checkpointer {
    /// The data folder.
    public let directory: DataDirectory
    /// The external checkpoint file; nil keeps checkpoints in the store only.
    public let externalFile: String?
    private let key: Ed25519PrivateKey
    private let store: CheckpointStore
    private var frontier: MerkleFrontier
    private var head: [UInt8]
    private var signedSize: Int64
    /// Links read beyond a gap (a block of a later sequence number committed first in another
    /// partition), kept until the gap fills.
    private var pending: [Int64: (previous: [UInt8], hash: [UInt8])] = [:]
    /// Partition files unchanged since they were last read are skipped.
    private var stamps: [PartitionDay: FileStamp] = [:]

    /// Something wrong found at start (the stored chain disagrees with the last checkpoint), for
    /// the caller to report; checkpoints are still signed.
    public private(set) var startupProblem: String?

    /// The public key that signs.
    public var publicKey: Ed25519PublicKey { key.publicKey }
    /// Blocks under the tree read so far.
    public var treeSize: Int64 { Int64(frontier.count) }

    /// Loads (at first start, creates) the signing key and resumes from the last checkpoint.
    public init(directory: DataDirectory, externalFile: String?, now: Int64) throws {
        self.directory = directory
        self.externalFile = externalFile
        key = try CheckpointKeys.loadOrCreate(in: directory, now: now)
        store = try CheckpointStore(directory: directory)
        if let (checkpoint, frontier) = try store.latest() {
            self.frontier = frontier
            head = checkpoint.head
            signedSize = checkpoint.treeSize
            startupProblem = try checkHead(checkpoint)
        } else {
            frontier = MerkleFrontier()
            head = BlockHeader.genesisHash
            signedSize = 0
        }
    }

    /// Reads blocks sealed since the last call and, if the tree grew past the last checkpoint,
    /// signs, records and publishes a checkpoint and returns it. `full` reads every partition
    /// (at shutdown) instead of only those whose files changed.
    ///
    /// Throws when the chain read from the store does not link (nothing is signed then), or when
    /// recording or publishing fails (a checkpoint recorded in the store but not published is
    /// not retried: the next one covers it).
    @discardableResult
    public func checkpoint(now: Int64, full: Bool = false) throws -> Checkpoint? {
        try readNewLinks(now: now, full: full)
        while let link = pending[treeSize + 1] {
            guard link.previous == head else {
                throw IntegrityError(
                    "block \(treeSize + 1) does not link to block \(treeSize): the store was changed; "
                        + "no checkpoint is signed (run jwtaudit verify)")
            }
            pending[treeSize + 1] = nil
            frontier.append(leafHash: MerkleTree.leafHash(link.hash))
            head = link.hash
        }
        guard treeSize > signedSize else { return nil }
        let checkpoint = Checkpoint.sign(treeSize: treeSize, root: frontier.root, head: head, time: now, key: key)
        try store.append(checkpoint, frontier: frontier)
        signedSize = treeSize
        if let externalFile {
            do {
                try CheckpointFile.append(checkpoint, to: externalFile)
            } catch {
                throw IntegrityError(
                    "checkpoint of \(treeSize) blocks recorded in the store, not in the file: \(error)")
            }
        }
        return checkpoint
    }

    private func readNewLinks(now: Int64, full: Bool) throws {
        for day in try directory.partitionDays() {
            let stamp = FileStamp(directory.partitionPath(day))
            if !full, stamps[day] == stamp { continue }
            guard let connection = try PartitionReader.open(directory, day) else { continue }
            try StoredBlock.requireChainColumns(connection, day)
            let statement = try connection.prepare("SELECT seq, prev_hash, hash FROM blocks WHERE seq > ?")
            statement.bind(1, treeSize)
            while try statement.step() {
                pending[statement.int64(0)] = (statement.blob(1), statement.blob(2))
            }
            // A file written to in the last seconds may change again within its timestamp's
            // granularity: read it again next time.
            stamps[day] = stamp.modifiedBefore(now - 2_000_000) ? stamp : nil
        }
        // Archived blocks, tombstones and retention run records are links too.
        for link in try ChainLinks.outsidePartitions(directory, after: treeSize) where pending[link.sequence] == nil {
            pending[link.sequence] = (link.previous, link.hash)
        }
    }

    /// Whether the stored block the last checkpoint ends with still has the hash it signed.
    private func checkHead(_ checkpoint: Checkpoint) throws -> String? {
        guard checkpoint.treeSize > 0 else { return nil }
        for day in try directory.partitionDays() {
            guard let connection = try PartitionReader.open(directory, day) else { continue }
            try StoredBlock.requireChainColumns(connection, day)
            let statement = try connection.prepare("SELECT hash FROM blocks WHERE seq = ?")
            statement.bind(1, checkpoint.treeSize)
            guard try statement.step() else { continue }
            if statement.blob(0) == checkpoint.head { return nil }
            return "block \(checkpoint.treeSize) no longer has the hash the last checkpoint signed; run jwtaudit verify"
        }
        let outside = try ChainLinks.outsidePartitions(directory, after: checkpoint.treeSize - 1)
        if let link = outside.first(where: { $0.sequence == checkpoint.treeSize }) {
            if link.hash == checkpoint.head { return nil }
            return "block \(checkpoint.treeSize) no longer has the hash the last checkpoint signed; run jwtaudit verify"
        }
        return "block \(checkpoint.treeSize), the last one checkpointed, is not in the store; run jwtaudit verify"
    }
}
