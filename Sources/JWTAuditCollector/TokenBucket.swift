import NIOCore

/// A rate budget holding at most one second of lines: `linesPerSecond` tokens refill per second,
/// each line read spends one, and reading waits while the bucket is empty. Spending may take it
/// below zero (a read is handed on in slices), which the refill then pays back.
struct TokenBucket: Sendable {
    let linesPerSecond: Int
    private(set) var tokens: Double
    private var refilledAt: NIODeadline

    /// A full bucket at `now`.
    init(linesPerSecond: Int, now: NIODeadline) {
        precondition(linesPerSecond > 0)
        self.linesPerSecond = linesPerSecond
        tokens = Double(linesPerSecond)
        refilledAt = now
    }

    /// Adds the tokens earned since the last refill, up to one second's worth.
    mutating func refill(now: NIODeadline) {
        guard now > refilledAt else { return }
        let earned = Double((now - refilledAt).nanoseconds) / 1e9 * Double(linesPerSecond)
        tokens = min(Double(linesPerSecond), tokens + earned)
        refilledAt = now
    }

    /// Spends one token per line.
    mutating func spend(lines: Int) {
        tokens -= Double(lines)
    }

    /// Nothing may be read now.
    var isEmpty: Bool { tokens <= 0 }

    /// Whether the bucket is full (its owner has been idle for a second or more).
    var isFull: Bool { tokens >= Double(linesPerSecond) }

    /// How long until the bucket holds one token again.
    var waitForNextLine: TimeAmount {
        .nanoseconds(Int64(max(0, 1 - tokens) / Double(linesPerSecond) * 1e9) + 1)
    }
}
