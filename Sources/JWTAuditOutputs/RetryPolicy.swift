/// How often and how patiently an output retries one alert: exponential backoff with jitter.
///
/// Before attempt `n + 1` the worker waits a random time between half and all of
/// `min(maxDelay, initialDelay × 2^(n-1))` seconds; with the defaults: 0.25–0.5 s, 0.5–1 s, 1–2 s,
/// … up to 15–30 s. After `maxAttempts` failed attempts the alert is dropped and counted.
public struct RetryPolicy: Sendable, Hashable {
    /// Attempts per alert, the first included. Default 8.
    public var maxAttempts: Int
    /// The first backoff, in seconds. Default 0.5.
    public var initialDelay: Double
    /// The longest backoff, in seconds. Default 30.
    public var maxDelay: Double

    /// A policy; the defaults are those documented on each field.
    public init(maxAttempts: Int = 8, initialDelay: Double = 0.5, maxDelay: Double = 30) {
        precondition(maxAttempts >= 1 && initialDelay >= 0 && maxDelay >= initialDelay, "invalid retry policy")
        self.maxAttempts = maxAttempts
        self.initialDelay = initialDelay
        self.maxDelay = maxDelay
    }

    /// The upper bound of the wait after `failedAttempts` failures (1 or more), before jitter.
    public func ceiling(afterFailedAttempts failedAttempts: Int) -> Double {
        let doublings = min(max(failedAttempts - 1, 0), 62)
        return min(maxDelay, initialDelay * Double(Int64(1) << doublings))
    }

    /// The wait after `failedAttempts` failures, with `random` in `0..<1` placing it between half
    /// and all of ``ceiling(afterFailedAttempts:)``.
    public func delay(afterFailedAttempts failedAttempts: Int, random: Double) -> Double {
        let ceiling = ceiling(afterFailedAttempts: failedAttempts)
        return ceiling / 2 + ceiling / 2 * min(max(random, 0), 1)
    }

    /// A wait with fresh randomness.
    func delay(afterFailedAttempts failedAttempts: Int) -> Double {
        delay(afterFailedAttempts: failedAttempts, random: Double.random(in: 0..<1))
    }
}
