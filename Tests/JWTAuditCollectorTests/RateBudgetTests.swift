import NIOCore
import Testing

@testable import JWTAuditCollector

@Suite("Rate budgets")
struct RateBudgetTests {
    let start = NIODeadline.uptimeNanoseconds(1_000_000_000)

    @Test("a bucket holds at most one second of lines, refills at the rate, and tells how long to wait")
    func tokenBucket() {
        var bucket = TokenBucket(linesPerSecond: 1_000, now: start)
        bucket.spend(lines: 1_500)
        #expect(bucket.isEmpty)
        // 500 lines of debt plus one line at 1,000 a second.
        #expect(bucket.waitForNextLine == .nanoseconds(501_000_001))
        bucket.refill(now: start + .milliseconds(501))
        #expect(!bucket.isEmpty)
        bucket.refill(now: start + .seconds(3_600))
        #expect(bucket.tokens == 1_000, "an idle hour saved more than one second of lines")
        #expect(bucket.isFull)
        // A clock that goes back takes nothing away.
        bucket.refill(now: start)
        #expect(bucket.tokens == 1_000)
    }

    @Test("uids idle for a second are forgotten past the bucket limit; busy ones are kept")
    func pruning() {
        let budgets = PeerRateBudgets(linesPerSecond: 10)
        for uid in 0..<UInt32(PeerRateBudgets.pruneAbove) {
            budgets.spend(uid: uid, lines: 1, now: start)
        }
        #expect(budgets.trackedUIDs == PeerRateBudgets.pruneAbove)
        let later = start + .seconds(2)
        budgets.spend(uid: 99_999, lines: 20, now: later)
        #expect(budgets.trackedUIDs == 1, "idle uids were kept, or the busy one was forgotten")
        #expect(budgets.wait(uid: 99_999, now: later) != nil)
        #expect(budgets.wait(uid: 5, now: later) == nil, "a forgotten uid must have its full budget")
    }
}
