/// Counts failed authentications per remote address in a sliding window and says when an address
/// has had too many. I/O-free: the caller passes the time.
public struct FailureRateLimiter: Sendable {
    /// Failures allowed per address within ``window``; the next request is refused. Default 10.
    public var limit: Int
    /// The window, in microseconds. Default one minute.
    public var window: Int64
    /// Addresses tracked at most; past that, the one whose last failure is oldest is forgotten.
    /// Default 10,000.
    public var maxAddresses: Int
    private var failures: [String: [Int64]] = [:]

    /// A limiter with the given bounds.
    public init(limit: Int = 10, window: Int64 = 60_000_000, maxAddresses: Int = 10_000) {
        precondition(limit > 0 && window > 0 && maxAddresses > 0)
        self.limit = limit
        self.window = window
        self.maxAddresses = maxAddresses
    }

    /// Whether `address` has reached the limit at `now`.
    public func isLimited(_ address: String, now: Int64) -> Bool {
        recent(address, now: now).count >= limit
    }

    /// Seconds until `address` may try again (at least 1), or 0 when it is not limited.
    public func retryAfterSeconds(_ address: String, now: Int64) -> Int64 {
        let times = recent(address, now: now)
        guard times.count >= limit else { return 0 }
        let freed = times[times.count - limit] + window
        return max(1, (freed - now + 999_999) / 1_000_000)
    }

    /// Counts one failure of `address` at `now`.
    public mutating func recordFailure(_ address: String, now: Int64) {
        var times = recent(address, now: now)
        times.append(now)
        if times.count > limit { times.removeFirst(times.count - limit) }
        if failures[address] == nil && failures.count >= maxAddresses { forgetOne(now: now) }
        failures[address] = times
    }

    /// Addresses currently tracked.
    public var trackedAddresses: Int { failures.count }

    private func recent(_ address: String, now: Int64) -> [Int64] {
        (failures[address] ?? []).filter { $0 > now - window }
    }

    private mutating func forgetOne(now: Int64) {
        failures = failures.filter { $0.value.last.map { $0 > now - window } ?? false }
        guard failures.count >= maxAddresses else { return }
        if let oldest = failures.min(by: { ($0.value.last ?? 0) < ($1.value.last ?? 0) })?.key {
            failures[oldest] = nil
        }
    }
}
