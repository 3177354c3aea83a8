/// The built-in detectors of DESIGN section 3. Their ids are a contract.
public enum BuiltInRule: String, Sendable, Hashable, CaseIterable {
    case algNoneAttempt = "alg_none_attempt"
    case algConfusion = "alg_confusion"
    case bruteForceSignature = "brute_force_signature"
    case tokenSpray = "token_spray"
    case failureRateSpike = "failure_rate_spike"
    case refreshTokenReuse = "refresh_token_reuse"
    /// The benign double refresh that `refresh_token_reuse` sets apart (a `low` alert).
    case refreshRace = "refresh_race"
    case tokenReplay = "token_replay"
    case keyProbe = "key_probe"
    case tokenSubstitution = "token_substitution"
    case validatorMisconfig = "validator_misconfig"
    case expiredTokenStorm = "expired_token_storm"
    case failuresThenSuccess = "failures_then_success"
    case headerInjection = "header_injection"
    case retiredKey = "retired_key"
    case clockSkew = "clock_skew"
    case loggingGap = "logging_gap"
    case eventLoss = "event_loss"

    /// The rule id used in alerts and rules files.
    public var id: String { rawValue }

    private static let second: Int64 = 1_000_000
    private static let minute: Int64 = 60 * second

    /// The parameters the rule runs with when the rules file says nothing about it.
    public var defaultParameters: RuleParameters {
        var parameters = RuleParameters(severity: defaultSeverity)
        switch self {
        case .algConfusion: parameters.threshold = 20
        case .bruteForceSignature: (parameters.threshold, parameters.window) = (20, Self.minute)
        case .tokenSpray: (parameters.threshold, parameters.window) = (10, 5 * Self.minute)
        case .failureRateSpike: parameters.threshold = 50
        case .tokenReplay: (parameters.threshold, parameters.window) = (3, 10 * Self.minute)
        case .keyProbe: (parameters.threshold, parameters.window) = (10, 5 * Self.minute)
        case .tokenSubstitution: (parameters.threshold, parameters.window) = (10, 5 * Self.minute)
        case .validatorMisconfig: parameters.maxLifetime = 24 * 60 * Self.minute
        case .expiredTokenStorm: (parameters.threshold, parameters.window) = (100, Self.minute)
        case .failuresThenSuccess: (parameters.threshold, parameters.window) = (5, 10 * Self.minute)
        case .retiredKey: (parameters.threshold, parameters.window) = (10, 10 * Self.minute)
        default: break
        }
        return parameters
    }

    /// Severity before any escalation (several rules raise it to `critical` when the service
    /// accepted the token).
    public var defaultSeverity: Severity {
        switch self {
        case .refreshRace: .low
        case .failureRateSpike, .keyProbe, .tokenSubstitution, .expiredTokenStorm, .clockSkew, .loggingGap: .medium
        default: .high
        }
    }

    /// The fields of ``RuleParameters`` that this rule reads, by their rules-file names, besides
    /// `enabled`, `severity` and `suppression`, which every rule takes.
    public var parameters: [String] {
        switch self {
        case .algNoneAttempt, .eventLoss, .refreshRace: []
        case .algConfusion: ["threshold"]
        case .bruteForceSignature, .tokenSpray, .tokenReplay, .keyProbe, .tokenSubstitution, .expiredTokenStorm,
            .failuresThenSuccess:
            ["threshold", "window"]
        case .failureRateSpike: ["threshold", "z_score", "warmup_minutes"]
        case .refreshTokenReuse: ["grace"]
        case .validatorMisconfig: ["leeway", "max_lifetime", "require_audience"]
        case .headerInjection: ["allowed_url_prefixes"]
        case .retiredKey: ["retired_kids", "threshold", "window"]
        case .clockSkew: ["leeway"]
        case .loggingGap: ["silence", "warmup_minutes"]
        }
    }

    /// MITRE ATT&CK technique ids.
    public var techniques: [String] {
        switch self {
        case .algNoneAttempt, .algConfusion: ["T1606"]
        case .bruteForceSignature: ["T1110", "T1606"]
        case .tokenSpray: ["T1110.003", "T1550.001"]
        case .failureRateSpike: ["T1110"]
        case .refreshTokenReuse, .refreshRace: ["T1528", "T1550.001"]
        case .tokenReplay: ["T1550.001"]
        case .keyProbe: ["T1595", "T1606"]
        case .tokenSubstitution, .expiredTokenStorm: ["T1550.001"]
        case .validatorMisconfig, .clockSkew: []
        case .failuresThenSuccess: ["T1110", "T1078"]
        case .headerInjection: ["T1190", "T1606"]
        case .retiredKey: ["T1552.004", "T1606"]
        case .loggingGap, .eventLoss: ["T1562.006"]
        }
    }

    /// Compliance tags: the requirement each alert is evidence for.
    public var tags: [String] {
        switch self {
        case .loggingGap, .eventLoss: ["pci-dss:10.7.2", "hipaa:164.312(b)", "soc2:CC7.2"]
        case .validatorMisconfig, .clockSkew: ["pci-dss:10.2.1.4", "soc2:CC7.2"]
        default: ["pci-dss:10.2.1.4", "hipaa:164.312(b)", "soc2:CC7.2"]
        }
    }
}
