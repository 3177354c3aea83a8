/// A clock tests move by hand: microseconds since the epoch, starting at `EventFactory.baseTime`.
public struct ManualClock: Sendable {
    public private(set) var now: Int64

    public init(now: Int64 = EventFactory.baseTime) {
        self.now = now
    }

    /// Moves forward by `seconds`.
    public mutating func advance(seconds: Double) {
        now += Int64(seconds * 1_000_000)
    }
}
