/// RFC 6962 (section 2.1) Merkle tree hashing: leaf hash `SHA-256(0x00 || data)`, node hash
/// `SHA-256(0x01 || left || right)`, a tree of n leaves split at the largest power of two below
/// n, and inclusion proofs (audit paths) verified as RFC 9162 section 2.1.3.2 describes.
public enum MerkleTree {
    /// The root of the empty tree: SHA-256 of nothing.
    public static let emptyRoot = SHA256.hash([])

    /// `SHA-256(0x00 || data)`.
    public static func leafHash(_ data: [UInt8]) -> [UInt8] {
        SHA256.hash([0] + data)
    }

    /// `SHA-256(0x01 || left || right)`.
    public static func nodeHash(_ left: [UInt8], _ right: [UInt8]) -> [UInt8] {
        var input: [UInt8] = [1]
        input.reserveCapacity(1 + left.count + right.count)
        input += left
        input += right
        return SHA256.hash(input)
    }

    /// The tree head (MTH) over `leafHashes` (already leaf-hashed).
    public static func root(_ leafHashes: ArraySlice<[UInt8]>) -> [UInt8] {
        switch leafHashes.count {
        case 0: return emptyRoot
        case 1: return leafHashes.first!
        default:
            let split = leafHashes.startIndex + largestPowerOfTwo(below: leafHashes.count)
            return nodeHash(root(leafHashes[..<split]), root(leafHashes[split...]))
        }
    }

    /// The audit path of leaf `index` in the tree over `leafHashes`: the sibling hashes from the
    /// leaf up to the root.
    public static func inclusionPath(index: Int, _ leafHashes: ArraySlice<[UInt8]>) -> [[UInt8]] {
        precondition(index >= 0 && index < leafHashes.count, "leaf index outside the tree")
        guard leafHashes.count > 1 else { return [] }
        let size = largestPowerOfTwo(below: leafHashes.count)
        let split = leafHashes.startIndex + size
        if index < size {
            return inclusionPath(index: index, leafHashes[..<split]) + [root(leafHashes[split...])]
        }
        return inclusionPath(index: index - size, leafHashes[split...]) + [root(leafHashes[..<split])]
    }

    /// The root that `path` leads to from `leafHash` at `index` in a tree of `treeSize` leaves, or
    /// nil when the path cannot belong to that position (wrong length, index outside the tree).
    /// The proof holds when the result equals a trusted root.
    public static func root(
        fromInclusionPath path: [[UInt8]], leafHash: [UInt8], index: Int, treeSize: Int
    ) -> [UInt8]? {
        guard index >= 0, index < treeSize else { return nil }
        var fn = index
        var sn = treeSize - 1
        var result = leafHash
        for sibling in path {
            guard sn != 0, sibling.count == SHA256.byteCount else { return nil }
            if fn & 1 == 1 || fn == sn {
                result = nodeHash(sibling, result)
                if fn & 1 == 0 {
                    while fn & 1 == 0 && fn != 0 {
                        fn >>= 1
                        sn >>= 1
                    }
                }
            } else {
                result = nodeHash(result, sibling)
            }
            fn >>= 1
            sn >>= 1
        }
        return sn == 0 ? result : nil
    }

    /// The largest power of two strictly below `count` (count ≥ 2).
    static func largestPowerOfTwo(below count: Int) -> Int {
        precondition(count >= 2)
        var size = 1
        while size << 1 < count { size <<= 1 }
        return size
    }
}
