/// How many sealed blocks were written, and their compressed bytes.
public struct SealedBlocks: Sendable, Hashable {
    /// Sealed blocks.
    public var count: Int64 = 0
    /// Bytes of their compressed data (the `data` column; key filters excluded).
    public var bytes: Int64 = 0

    /// None.
    public init() {}

    init(_ records: [BlockRecord]) {
        for record in records where record.sealed {
            count += 1
            bytes += Int64(record.data.count)
        }
    }

    /// Adds `other` to these totals.
    public mutating func add(_ other: SealedBlocks) {
        count += other.count
        bytes += other.bytes
    }
}
