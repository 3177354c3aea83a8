import NIOConcurrencyHelpers
import NIOCore

/// The `max_lines_per_second_per_uid` budget: one ``TokenBucket`` per peer uid, shared by all of
/// that uid's connections on every event loop, so that a producer cannot multiply its rate by
/// opening more connections.
final class PeerRateBudgets: Sendable {
    let linesPerSecond: Int
    private let buckets = NIOLockedValueBox<[UInt32: TokenBucket]>([:])

    /// Buckets kept before full ones (uids idle for a second or more) are forgotten: a full
    /// bucket and a missing one allow the same.
    static let pruneAbove = 1_024

    init(linesPerSecond: Int) {
        precondition(linesPerSecond > 0)
        self.linesPerSecond = linesPerSecond
    }

    /// How long `uid` must wait before it may be read again; `nil` when it has budget now.
    func wait(uid: UInt32, now: NIODeadline) -> TimeAmount? {
        buckets.withLockedValue { buckets in
            guard var bucket = buckets[uid] else { return nil }
            bucket.refill(now: now)
            buckets[uid] = bucket
            return bucket.isEmpty ? bucket.waitForNextLine : nil
        }
    }

    /// Spends `lines` of `uid`'s budget.
    func spend(uid: UInt32, lines: Int, now: NIODeadline) {
        buckets.withLockedValue { buckets in
            var bucket = buckets[uid] ?? TokenBucket(linesPerSecond: linesPerSecond, now: now)
            bucket.refill(now: now)
            bucket.spend(lines: lines)
            buckets[uid] = bucket
            if buckets.count > Self.pruneAbove {
                buckets = buckets.filter { _, bucket in
                    var refilled = bucket
                    refilled.refill(now: now)
                    return !refilled.isFull
                }
            }
        }
    }

    /// Uids with a bucket (for tests of the pruning).
    var trackedUIDs: Int { buckets.withLockedValue { $0.count } }
}
