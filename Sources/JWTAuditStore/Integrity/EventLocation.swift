/// A stable reference to one stored event: `DAY:BLOCK:INDEX`, the partition day, the block's
/// sequence number in the hash chain, and the event's 0-based position in the block, as
/// `jwtaudit search --with-ref` prints it and `jwtaudit prove` takes it. Only events in sealed
/// blocks have one; it stays valid as long as the block is stored.
public struct EventLocation: Sendable, Hashable, CustomStringConvertible {
    /// The partition that holds the block.
    public var day: PartitionDay
    /// The block's sequence number.
    public var block: Int64
    /// The event's position in the block (0-based).
    public var index: Int

    /// The event at `index` of block `block` in partition `day`.
    public init(day: PartitionDay, block: Int64, index: Int) {
        self.day = day
        self.block = block
        self.index = index
    }

    /// Parses `2026-11-29:17:3`.
    public init?(_ text: String) {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count == 3, let day = PartitionDay(name: String(parts[0])), let block = Int64(parts[1]),
            block >= 1, let index = Int(parts[2]), index >= 0
        else { return nil }
        self.init(day: day, block: block, index: index)
    }

    /// `2026-11-29:17:3`.
    public var description: String { "\(day.name):\(block):\(index)" }
}
