import NIOConcurrencyHelpers

/// Running totals of authentication outcomes, for metrics; readable from any thread.
public final class AccessCounters: Sendable {
    private let failures = NIOLockedValueBox<[AuthenticationFailure.Reason: Int64]>([:])

    /// Counters at zero.
    public init() {}

    /// Counts one failed authentication.
    public func countFailure(_ reason: AuthenticationFailure.Reason) {
        failures.withLockedValue { $0[reason, default: 0] += 1 }
    }

    /// Failed authentications by reason since start (every reason present, zero included).
    public var failuresByReason: [AuthenticationFailure.Reason: Int64] {
        failures.withLockedValue { counts in
            Dictionary(uniqueKeysWithValues: AuthenticationFailure.Reason.allCases.map { ($0, counts[$0] ?? 0) })
        }
    }
}
