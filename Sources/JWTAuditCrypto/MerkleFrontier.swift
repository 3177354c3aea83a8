/// The roots of the perfect subtrees that make up an RFC 6962 tree of `count` leaves (one per set
/// bit of `count`, largest first): enough to append leaves and compute the tree head in O(log n)
/// memory, and small enough (at most 64 hashes) to store beside a checkpoint.
public struct MerkleFrontier: Sendable, Hashable {
    /// Leaves appended so far.
    public private(set) var count: Int = 0
    private var subtrees: [[UInt8]] = []

    /// An empty tree.
    public init() {}

    /// The frontier stored as `serialized` for a tree of `count` leaves, or nil when the bytes do
    /// not fit that count.
    public init?(count: Int, serialized: [UInt8]) {
        guard count >= 0, serialized.count == count.nonzeroBitCount * SHA256.byteCount else { return nil }
        self.count = count
        subtrees = stride(from: 0, to: serialized.count, by: SHA256.byteCount).map {
            Array(serialized[$0..<$0 + SHA256.byteCount])
        }
    }

    /// The subtree roots concatenated, largest subtree first.
    public var serialized: [UInt8] { subtrees.flatMap { $0 } }

    /// Appends a leaf given its leaf hash.
    public mutating func append(leafHash: [UInt8]) {
        subtrees.append(leafHash)
        var merged = count
        while merged & 1 == 1 {
            let right = subtrees.removeLast()
            let left = subtrees.removeLast()
            subtrees.append(MerkleTree.nodeHash(left, right))
            merged >>= 1
        }
        count += 1
    }

    /// The tree head over every leaf appended.
    public var root: [UInt8] {
        guard var result = subtrees.last else { return MerkleTree.emptyRoot }
        for subtree in subtrees.dropLast().reversed() {
            result = MerkleTree.nodeHash(subtree, result)
        }
        return result
    }
}
