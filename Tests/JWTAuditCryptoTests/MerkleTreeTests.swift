import JWTAuditCrypto
import Testing

@Suite("Merkle tree (RFC 6962)")
struct MerkleTreeTests {
    /// The leaves of the Certificate Transparency reference tests.
    static let leaves: [[UInt8]] = [
        "", "00", "10", "2021", "3031", "40414243", "5051525354555657", "606162636465666768696a6b6c6d6e6f",
    ].map { Hex.decode($0)! }

    /// Tree heads over the first n reference leaves, n = 0…8.
    static let roots = [
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
        "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
        "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
        "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
        "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
        "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
        "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
        "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
        "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
    ]

    static var leafHashes: [[UInt8]] { leaves.map(MerkleTree.leafHash) }

    @Test("tree heads match the reference for every size 0…8, computed whole and incrementally")
    func roots() {
        var frontier = MerkleFrontier()
        #expect(Hex.encode(frontier.root) == Self.roots[0])
        for size in 0...8 {
            #expect(Hex.encode(MerkleTree.root(Self.leafHashes[..<size])) == Self.roots[size], "size \(size)")
            if size > 0 {
                frontier.append(leafHash: Self.leafHashes[size - 1])
                #expect(Hex.encode(frontier.root) == Self.roots[size], "frontier size \(size)")
            }
        }
    }

    @Test(
        "audit paths match the reference",
        arguments: [
            (
                0, 8,
                [
                    "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4",
                ]
            ),
            (
                5, 8,
                [
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                    "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
                ]
            ),
            (2, 3, ["fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"]),
            (
                1, 5,
                [
                    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                    "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                    "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                ]
            ),
        ])
    func referencePaths(index: Int, size: Int, expected: [String]) throws {
        let path = MerkleTree.inclusionPath(index: index, Self.leafHashes[..<size])
        #expect(path.map { Hex.encode($0) } == expected)
        let root = MerkleTree.root(
            fromInclusionPath: path, leafHash: Self.leafHashes[index], index: index, treeSize: size)
        #expect(root.map { Hex.encode($0) } == Self.roots[size])
    }

    @Test("every leaf's path verifies in trees of 1…40 leaves, and not for a wrong leaf, index or tree size")
    func everyPath() {
        let leaves = (0..<41).map { MerkleTree.leafHash([UInt8($0), 7]) }
        for size in 1...40 {
            let root = MerkleTree.root(leaves[..<size])
            for index in 0..<size {
                let path = MerkleTree.inclusionPath(index: index, leaves[..<size])
                let good = MerkleTree.root(
                    fromInclusionPath: path, leafHash: leaves[index], index: index, treeSize: size)
                #expect(good == root, "leaf \(index) of \(size)")
                let wrongLeaf = MerkleTree.root(
                    fromInclusionPath: path, leafHash: leaves[(index + 1) % leaves.count], index: index, treeSize: size)
                #expect(wrongLeaf != root)
                if size > 1 {
                    let wrongIndex = MerkleTree.root(
                        fromInclusionPath: path, leafHash: leaves[index], index: (index + 1) % size, treeSize: size)
                    #expect(wrongIndex != root)
                }
                let wrongSize = MerkleTree.root(
                    fromInclusionPath: path, leafHash: leaves[index], index: index, treeSize: size + 1)
                #expect(wrongSize != MerkleTree.root(leaves[...size]))
            }
        }
    }

    @Test("a frontier stored and read back continues the same tree")
    func frontierRoundTrip() throws {
        var frontier = MerkleFrontier()
        let leaves = (0..<23).map { MerkleTree.leafHash([UInt8($0)]) }
        for leaf in leaves.prefix(13) { frontier.append(leafHash: leaf) }
        var restored = try #require(MerkleFrontier(count: 13, serialized: frontier.serialized))
        for leaf in leaves.dropFirst(13) { restored.append(leafHash: leaf) }
        #expect(restored.root == MerkleTree.root(leaves[...]))
        #expect(MerkleFrontier(count: 12, serialized: frontier.serialized) == nil)
    }
}
