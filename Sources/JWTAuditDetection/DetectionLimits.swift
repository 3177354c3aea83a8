/// Bounds on the detection engine's memory. Each keyed table (per client IP, per jti, per sub, …)
/// holds at most ``maxKeysPerTable`` keys; when full, keys whose windows have passed go first, then
/// the least recently seen, and every eviction of a live key is counted (detection runs degraded).
///
/// With the defaults the engine stays under about 512 MiB whatever the traffic (docs/rules.md).
public struct DetectionLimits: Sendable, Hashable {
    /// Keys per table. Default 262,144.
    public var maxKeysPerTable = 262_144
    /// Refresh tokens, revoked access tokens and revocations the ledger holds. Default 1,048,576.
    public var maxLedgerEntries = 1_048_576
    /// Sample event references per finding. Default 3.
    public var samplesPerFinding = 3

    public init() {}
}
