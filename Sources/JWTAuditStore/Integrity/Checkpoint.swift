import JWTAuditCrypto
import JWTAuditModel

/// A signed tree head: the RFC 6962 Merkle root over the hashes of blocks 1…`treeSize`, the hash
/// of block `treeSize`, the time, and an Ed25519 signature over ``signedMessage``.
///
/// One line of the external checkpoint file (``jsonLine``):
///
///     {"v":1,"tree_size":42,"root":"<hex>","head":"<hex>","time":"2026-11-29T10:00:00Z",
///      "key_id":"<16 hex>","signature":"<base64>"}
public struct Checkpoint: Sendable, Hashable {
    /// Blocks covered: sequence numbers 1…treeSize.
    public var treeSize: Int64
    /// The Merkle tree head over the block hashes (leaf `i` is block `i + 1`).
    public var root: [UInt8]
    /// The hash of block `treeSize` (the chain head).
    public var head: [UInt8]
    /// When it was signed, µs since the epoch.
    public var time: Int64
    /// ``Ed25519PublicKey/keyID`` of the signing key.
    public var keyID: String
    /// Ed25519 signature of ``signedMessage``.
    public var signature: [UInt8]

    /// A checkpoint from its fields (see ``sign(treeSize:root:head:time:key:)`` to make one).
    public init(treeSize: Int64, root: [UInt8], head: [UInt8], time: Int64, keyID: String, signature: [UInt8]) {
        self.treeSize = treeSize
        self.root = root
        self.head = head
        self.time = time
        self.keyID = keyID
        self.signature = signature
    }

    /// Signs a tree head with `key`.
    public static func sign(
        treeSize: Int64, root: [UInt8], head: [UInt8], time: Int64, key: Ed25519PrivateKey
    ) -> Checkpoint {
        var checkpoint = Checkpoint(
            treeSize: treeSize, root: root, head: head, time: time, keyID: key.publicKey.keyID, signature: [])
        checkpoint.signature = key.signature(for: checkpoint.signedMessage)
        return checkpoint
    }

    /// The exact bytes signed: six lines, each ending in a newline,
    ///
    ///     jwtaudit checkpoint v1
    ///     tree_size 42
    ///     root <64 hex>
    ///     head <64 hex>
    ///     time 2026-11-29T10:00:00Z
    ///     key <key id>
    public var signedMessage: [UInt8] {
        Array(
            """
            jwtaudit checkpoint v1
            tree_size \(treeSize)
            root \(Hex.encode(root))
            head \(Hex.encode(head))
            time \(Timestamp.format(time))
            key \(keyID)

            """.utf8)
    }

    /// Whether the signature is `key`'s over this checkpoint (and the key id names `key`).
    public func isSigned(by key: Ed25519PublicKey) -> Bool {
        key.keyID == keyID && key.isValidSignature(signature, for: signedMessage)
    }

    /// The checkpoint as one JSON object on one line (no newline).
    public var jsonLine: String {
        "{\"v\":1,\"tree_size\":\(treeSize),\"root\":\"\(Hex.encode(root))\",\"head\":\"\(Hex.encode(head))\","
            + "\"time\":\"\(Timestamp.format(time))\",\"key_id\":\"\(keyID)\","
            + "\"signature\":\"\(Base64.encode(signature))\"}"
    }

    /// Reads the JSON object that ``jsonLine`` writes; throws saying what is wrong when it is not one.
    public init(json: PositionedJSON) throws(CheckpointFormatError) {
        guard case .object(let members) = json.value else { throw CheckpointFormatError("not a JSON object") }
        var fields: [String: PositionedJSON.Value] = [:]
        for member in members { fields[member.key] = member.value.value }
        guard case .integer(1) = fields["v"] else { throw CheckpointFormatError("field v must be 1") }
        guard case .integer(let size) = fields["tree_size"], size >= 0 else {
            throw CheckpointFormatError("field tree_size must be a count")
        }
        func hex(_ name: String) throws(CheckpointFormatError) -> [UInt8] {
            guard case .string(let text) = fields[name], let bytes = Hex.decode(text), bytes.count == 32 else {
                throw CheckpointFormatError("field \(name) must be 64 hex digits")
            }
            return bytes
        }
        guard case .string(let timeText) = fields["time"], let time = Timestamp.parseRFC3339(timeText) else {
            throw CheckpointFormatError("field time must be an RFC 3339 time")
        }
        guard case .string(let keyID) = fields["key_id"], !keyID.isEmpty else {
            throw CheckpointFormatError("field key_id must be a key id")
        }
        guard case .string(let signatureText) = fields["signature"], let signature = Base64.decode(signatureText)
        else { throw CheckpointFormatError("field signature must be base64") }
        self.init(
            treeSize: Int64(size), root: try hex("root"), head: try hex("head"), time: time, keyID: keyID,
            signature: signature)
    }

    /// Reads one line as ``jsonLine`` writes it.
    public init(line: String) throws(CheckpointFormatError) {
        let json: PositionedJSON
        do {
            json = try PositionedJSON.parse(Array(line.utf8))
        } catch {
            throw CheckpointFormatError("not valid JSON: \(error.message)")
        }
        try self.init(json: json)
    }
}
