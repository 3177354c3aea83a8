/// The first damage `jwtaudit verify` found: what kind, and where.
public struct IntegrityFailure: Sendable, Hashable, CustomStringConvertible {
    /// The kinds of damage, named as `verify` prints them. A struct, so that kinds can be added
    /// (retention's tombstones will bring some) without breaking callers' switches.
    public struct Kind: Sendable, Hashable, CustomStringConvertible {
        private enum Code: String, Sendable, Hashable {
            case altered
            case missing
            case reordered
            case truncatedTail = "truncated tail"
            case badSignature = "bad signature"
            case recomputed = "chain recomputed without the key"
        }

        private let code: Code

        /// A block's payload, key filter or header no longer matches its hash.
        public static let altered = Kind(code: .altered)
        /// A sequence number is absent: a block was deleted.
        public static let missing = Kind(code: .missing)
        /// A block is intact but stored at another place in the chain.
        public static let reordered = Kind(code: .reordered)
        /// A checkpoint covers more blocks than the store holds: the newest were cut off.
        public static let truncatedTail = Kind(code: .truncatedTail)
        /// A checkpoint's signature does not verify, or its key is unknown or untrusted.
        public static let badSignature = Kind(code: .badSignature)
        /// The chain is consistent, but a signed checkpoint disagrees with it: blocks were changed
        /// and every later hash recomputed by someone without the signing key.
        public static let recomputed = Kind(code: .recomputed)

        /// The name `verify` prints, such as `truncated tail`.
        public var description: String { code.rawValue }
    }

    /// What kind of damage.
    public var kind: Kind
    /// Sequence number of the first bad block, when a block can be named.
    public var sequence: Int64?
    /// The partition holding that block, when it is stored.
    public var day: PartitionDay?
    /// The block's row id in its partition, when it is stored.
    public var blockID: Int64?
    /// What was found, in a sentence.
    public var detail: String

    /// A failure of `kind` at the block named by `sequence`, `day` and `blockID`, as far as known.
    public init(
        kind: Kind, sequence: Int64? = nil, day: PartitionDay? = nil, blockID: Int64? = nil, detail: String
    ) {
        self.kind = kind
        self.sequence = sequence
        self.day = day
        self.blockID = blockID
        self.detail = detail
    }

    /// `altered: block 17 (partition 2026-11-29, row id 40): …`
    public var description: String {
        var place = ""
        if let sequence {
            place = "block \(sequence)"
            if let day, let blockID {
                place += " (partition \(day.name), row id \(blockID))"
            } else if let day {
                place += " (partition \(day.name))"
            }
            place += ": "
        }
        return "\(kind): \(place)\(detail)"
    }
}
