import JWTAuditBlocks
import JWTAuditCrypto
import JWTAuditModel

/// Evidence that one event is in the log, checkable offline with only the signer's public key:
/// the event, the whole compressed block that holds it (so the event is read out of the hashed
/// bytes themselves), the block's header and hash, the RFC 6962 audit path from the block hash to
/// a signed checkpoint's root, and that checkpoint (docs/integrity.md).
///
/// The proof carries every event of the block, so it discloses them to whoever receives it.
public struct InclusionProof: Sendable {
    /// The event's reference.
    public var location: EventLocation
    /// The event as the proof states it (the wire fields `jwtaudit search` prints).
    public var event: PositionedJSON
    /// The block's header (its digests, counts and ranges).
    public var header: BlockHeader
    /// The hash of the block before it.
    public var previousHash: [UInt8]
    /// The block's hash: the Merkle leaf is `SHA-256(0x00 || blockHash)`.
    public var blockHash: [UInt8]
    /// The block's compressed events, as stored.
    public var payload: [UInt8]
    /// The audit path from the block's leaf (index `sequence - 1`) to the root of `checkpoint`.
    public var path: [[UInt8]]
    /// The signed tree head the path leads to.
    public var checkpoint: Checkpoint

    /// A proof from its parts (see ``make(directory:location:)`` and ``init(json:)``).
    public init(
        location: EventLocation, event: PositionedJSON, header: BlockHeader, previousHash: [UInt8],
        blockHash: [UInt8], payload: [UInt8], path: [[UInt8]], checkpoint: Checkpoint
    ) {
        self.location = location
        self.event = event
        self.header = header
        self.previousHash = previousHash
        self.blockHash = blockHash
        self.payload = payload
        self.path = path
        self.checkpoint = checkpoint
    }

    // MARK: - Making

    /// The proof for the event at `location`, in the online or the archive tier, against the
    /// newest checkpoint in the store that covers its block.
    public static func make(directory: DataDirectory, location: EventLocation) throws -> InclusionProof {
        let select = """
            SELECT min_ts, max_ts, min_received, max_received, event_count, format, prev_hash, hash, keys, data
            FROM blocks WHERE seq = ?
            """
        // The statement with its connection, which must outlive it.
        var found: (connection: SQLiteConnection, statement: SQLiteStatement)?
        var archived = false
        if let connection = try PartitionReader.open(directory, location.day) {
            try StoredBlock.requireChainColumns(connection, location.day)
            let statement = try connection.prepare(select)
            statement.bind(1, location.block)
            if try statement.step() { found = (connection, statement) }
        }
        if found == nil, let archive = try PartitionReader.openArchive(directory, location.day) {
            let statement = try archive.prepare(select)
            statement.bind(1, location.block)
            if try statement.step() {
                found = (archive, statement)
                archived = true
            }
        }
        guard let found else {
            throw IntegrityError("neither tier of \(location.day.name) holds block \(location.block)")
        }
        let statement = found.statement
        let payload = statement.blob(9)
        let header = BlockHeader(
            sequence: location.block, day: location.day, minTimestamp: statement.int64(0),
            maxTimestamp: statement.int64(1), minReceived: statement.int64(2), maxReceived: statement.int64(3),
            eventCount: statement.int64(4), format: statement.int64(5),
            keysDigest: statement.withBlob(8) { SHA256.hash($0) }, payloadDigest: SHA256.hash(payload))
        let previous = statement.blob(6)
        let hash = statement.blob(7)
        guard header.hash(previous: previous) == hash else {
            throw IntegrityError(
                archived
                    ? "archived block \(location.block) is not stored as its hash covers it: it was recompressed (by "
                        + "a version before 2026-11-29) or altered; run jwtaudit verify"
                    : "block \(location.block) does not match its hash; run jwtaudit verify")
        }
        let events = try BlockCodec.decode(payload)
        guard location.index < events.count else {
            throw IntegrityError(
                "block \(location.block) holds \(events.count) events; there is no event \(location.index)")
        }
        let checkpoints = try CheckpointStore(directory: directory, readOnly: true).all()
        let covering = checkpoints.filter { $0.treeSize >= location.block }
        guard let checkpoint = covering.max(by: { $0.treeSize < $1.treeSize }) else {
            throw IntegrityError(
                "no checkpoint covers block \(location.block) yet: the daemon signs one every interval and at shutdown")
        }
        let leaves = try leafHashes(directory, upTo: checkpoint.treeSize)
        guard MerkleTree.root(leaves[...]) == checkpoint.root else {
            throw IntegrityError(
                "the store disagrees with its checkpoint of \(checkpoint.treeSize) blocks; run jwtaudit verify")
        }
        let eventJSON: PositionedJSON
        do {
            eventJSON = try PositionedJSON.parse(Array(EventJSON.encode(events[location.index]).utf8))
        } catch {
            throw IntegrityError("the event cannot be written as JSON: \(error.message)")
        }
        withExtendedLifetime(found.connection) {}
        return InclusionProof(
            location: location, event: eventJSON, header: header, previousHash: previous, blockHash: hash,
            payload: payload, path: MerkleTree.inclusionPath(index: Int(location.block - 1), leaves[...]),
            checkpoint: checkpoint)
    }

    /// Leaf hashes of links 1…`size` of the chain: blocks of every partition, then the links kept
    /// outside them (archived blocks, tombstones, retention run records).
    private static func leafHashes(_ directory: DataDirectory, upTo size: Int64) throws -> [[UInt8]] {
        var hashes = [[UInt8]?](repeating: nil, count: Int(size))
        for day in try directory.partitionDays() {
            guard let connection = try PartitionReader.open(directory, day) else { continue }
            let statement = try connection.prepare("SELECT seq, hash FROM blocks WHERE seq BETWEEN 1 AND ?")
            statement.bind(1, size)
            while try statement.step() {
                hashes[Int(statement.int64(0) - 1)] = MerkleTree.leafHash(statement.blob(1))
            }
        }
        for link in try ChainLinks.outsidePartitions(directory, after: 0)
        where link.sequence <= size && hashes[Int(link.sequence - 1)] == nil {
            hashes[Int(link.sequence - 1)] = MerkleTree.leafHash(link.hash)
        }
        return try hashes.enumerated().map { index, hash in
            guard let hash else { throw IntegrityError("block \(index + 1) is missing; run jwtaudit verify") }
            return hash
        }
    }

    // MARK: - Checking

    /// Checks the proof offline against `keys` (the auditor's copy of the public keys) and returns
    /// the event as read from the block; throws naming the first check that fails.
    public func verify(keys: [Ed25519PublicKey]) throws -> AuditEvent {
        guard location.block == header.sequence, location.day == header.day else {
            throw IntegrityError("the event reference \(location) does not name this block")
        }
        guard SHA256.hash(payload) == header.payloadDigest else {
            throw IntegrityError("the block payload does not match its digest in the header")
        }
        guard header.hash(previous: previousHash) == blockHash else {
            throw IntegrityError("the block header does not match the block hash")
        }
        let events: [AuditEvent]
        do {
            events = try BlockCodec.decode(payload)
        } catch {
            throw IntegrityError("the block payload cannot be decoded: \(error)")
        }
        guard Int64(events.count) == header.eventCount, location.index < events.count else {
            throw IntegrityError("the block does not hold event \(location.index)")
        }
        let stored = events[location.index]
        guard let storedJSON = try? PositionedJSON.parse(Array(EventJSON.encode(stored).utf8)),
            Self.same(storedJSON, event)
        else {
            throw IntegrityError("the event in the proof differs from event \(location.index) of the block")
        }
        let root = MerkleTree.root(
            fromInclusionPath: path, leafHash: MerkleTree.leafHash(blockHash), index: Int(header.sequence - 1),
            treeSize: Int(checkpoint.treeSize))
        guard root == checkpoint.root else {
            throw IntegrityError("the Merkle path does not lead from the block to the checkpoint's root")
        }
        guard let key = keys.first(where: { $0.keyID == checkpoint.keyID }) else {
            throw IntegrityError(
                "the checkpoint is signed by key \(checkpoint.keyID), which is not among the given keys")
        }
        guard checkpoint.isSigned(by: key) else {
            throw IntegrityError("the checkpoint's signature does not verify under key \(checkpoint.keyID)")
        }
        return stored
    }

    /// Whether two JSON values are equal (object members in any order).
    static func same(_ lhs: PositionedJSON, _ rhs: PositionedJSON) -> Bool {
        switch (lhs.value, rhs.value) {
        case (.object(let left), .object(let right)):
            guard left.count == right.count else { return false }
            var members: [String: PositionedJSON] = [:]
            for member in right { members[member.key] = member.value }
            guard members.count == right.count else { return false }
            return left.allSatisfy { member in members[member.key].map { same(member.value, $0) } ?? false }
        case (.array(let left), .array(let right)):
            return left.count == right.count && zip(left, right).allSatisfy { same($0, $1) }
        case (.string(let left), .string(let right)): return left == right
        case (.integer(let left), .integer(let right)): return left == right
        case (.number(let left), .number(let right)): return left == right
        case (.bool(let left), .bool(let right)): return left == right
        case (.null, .null): return true
        default: return false
        }
    }
}
