/// The tunable values of one built-in rule, after merging the defaults, the rules file and any
/// per-service override. Durations are microseconds.
///
/// Each rule reads only the fields that its row in DESIGN section 3 mentions; ``BuiltInRule/parameters``
/// names them, and the rules loader refuses a field that the rule does not use.
public struct RuleParameters: Sendable, Hashable {
    /// Whether the rule runs. Default `true`.
    public var enabled = true
    /// Severity of its alerts (a rule may raise it, e.g. to `critical` when the service accepted).
    public var severity: Severity
    /// The count (or distinct count) that fires a threshold rule.
    public var threshold = 0
    /// The sliding window of a threshold rule, or the period of a sequence rule.
    public var window: Int64 = 0
    /// After an alert's last event, how long the same rule and key update it instead of opening
    /// another. Default 15 minutes.
    public var suppression: Int64 = 15 * 60 * 1_000_000
    /// Clock leeway for `exp`, `nbf` and `iat` checks. Default 60 s.
    public var leeway: Int64 = 60 * 1_000_000
    /// `failure_rate_spike`: z-score above the learned baseline. Default 4.
    public var zScore = 4.0
    /// `failure_rate_spike`: minutes of history before the baseline is trusted; `logging_gap`:
    /// minutes with events before a service counts as steady.
    public var warmupMinutes = 10
    /// `validator_misconfig`: the longest token lifetime (`exp - iat`) a service may accept;
    /// `nil` for no limit. Default 24 h for access and id tokens.
    public var maxLifetime: Int64? = nil
    /// `validator_misconfig`: accepted tokens must carry `aud`. Default `false`.
    public var requireAudience = false
    /// `refresh_token_reuse`: how long the immediately previous refresh token may still be
    /// presented by the same client as a benign race. Default 30 s.
    public var grace: Int64 = 30 * 1_000_000
    /// `header_injection`: URL prefixes that `jku` and `x5u` may point to. Empty: any URL an
    /// issuer has not used before is suspicious.
    public var allowedURLPrefixes: [String] = []
    /// `retired_key`: key ids marked retired.
    public var retiredKeyIDs: [String] = []
    /// `logging_gap`: the shortest silence that counts as a gap. Default 5 minutes.
    public var silence: Int64 = 5 * 60 * 1_000_000

    public init(severity: Severity) {
        self.severity = severity
    }
}
