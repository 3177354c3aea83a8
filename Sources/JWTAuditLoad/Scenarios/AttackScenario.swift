/// An attack that the load generator mixes into the benign traffic: one per built-in rule id of
/// DESIGN section 3, named after the rule it should set off.
///
/// The attack starts at ``TrafficConfiguration/attackAt`` of the event-time span (after
/// ``warmupSeconds`` of benign traffic at least) and lasts about ``durationSeconds``. A scenario
/// whose rule needs more event time than the events would span (a 10-minute baseline, a
/// 10-minute silence) lengthens the span: timestamps then advance slower than the events are
/// sent (simulated time; see ``TrafficConfiguration/spanSeconds``).
public enum AttackScenario: String, CaseIterable, Sendable, Hashable {
    case algNoneAttempt = "alg_none_attempt"
    case algConfusion = "alg_confusion"
    case bruteForceSignature = "brute_force_signature"
    case tokenSpray = "token_spray"
    case failureRateSpike = "failure_rate_spike"
    case refreshTokenReuse = "refresh_token_reuse"
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

    /// The key id that the `retired_key` scenario uses: list it in the rule's `retired_kids` to
    /// see the "kid used after it was retired" half of the scenario.
    public static let retiredKeyID = "retired-2024"

    /// The scenario's name: the id of the rule it should set off.
    public var id: String { rawValue }

    /// What the attack does, in one line.
    public var summary: String {
        switch self {
        case .algNoneAttempt:
            "alg none tokens from one address at 5 services; the last service accepts one (critical)"
        case .algConfusion:
            "HS256 tokens for the RS256 issuer from one address: 3 accepted (critical), 21 alg_not_allowed"
        case .bruteForceSignature: "30 bad_signature from one address within 40 s, all for one subject"
        case .tokenSpray: "tokens of 12 subjects rejected from one address within 3 min"
        case .failureRateSpike:
            "after 12 min of baseline, one service rejects 300+ tokens from many addresses in one minute"
        case .refreshTokenReuse:
            "a superseded refresh token presented from another address 4 min after its rotation, accepted"
        case .refreshRace:
            "a client refreshes twice at once: the previous refresh token again 0.8 s later, same address and UA"
        case .tokenReplay: "one access token accepted from 4 addresses within 4 min"
        case .keyProbe: "12 key_unknown with 12 distinct kids from one address within 150 s"
        case .tokenSubstitution:
            "one subject's token presented to 12 services it is not for (audience/issuer mismatch), one address"
        case .validatorMisconfig: "invoices-api accepts tokens expired 10-40 min ago and tokens living 7 days"
        case .expiredTokenStorm: "client_id reporting-job sends 150 expired tokens within 50 s from 2 addresses"
        case .failuresThenSuccess: "6 rejections for one subject from one address, then an acceptance"
        case .headerInjection: "kid with a path, quotes or shell metacharacters; jku and x5u to unknown hosts"
        case .retiredKey:
            "kid retired-2024 accepted 4 times; 12 unknown kids from 4 addresses right after a key rotation"
        case .clockSkew: "files-api accepts tokens whose iat lies 3-6 min in the future"
        case .loggingGap: "after 12 min of steady traffic, orders-api falls silent for 10 min"
        case .eventLoss: "connection 0 skips 25 seq numbers (events its producer lost)"
        }
    }

    /// The rule ids that a detector with DESIGN section 3's defaults should raise for the attack
    /// (medium or above, or `refresh_race`): the scenario's own rule first, then any rule the
    /// attack sets off as well.
    ///
    /// `retired_key` fires on the burst of unknown kids after the rotation with the defaults;
    /// the uses of ``retiredKeyID`` show only when the rules list that kid as retired.
    public var expectedRules: [String] {
        switch self {
        case .algNoneAttempt: [id, AttackScenario.validatorMisconfig.id]
        default: [id]
        }
    }

    /// Event time of benign traffic the attack needs before it starts, in seconds (a baseline,
    /// a steady service, an issuer seen using its algorithm).
    public var warmupSeconds: Double {
        switch self {
        case .failureRateSpike, .loggingGap: 720
        default: 30
        }
    }

    /// Event time from the attack's first event to its last (for `logging_gap`, the silence and
    /// two minutes after it), in seconds.
    public var durationSeconds: Double {
        switch self {
        case .algNoneAttempt: 10
        case .algConfusion: 150
        case .bruteForceSignature: 45
        case .tokenSpray: 200
        case .failureRateSpike: 70
        case .refreshTokenReuse: 300
        case .refreshRace: 70
        case .tokenReplay: 260
        case .keyProbe: 160
        case .tokenSubstitution: 200
        case .validatorMisconfig: 240
        case .expiredTokenStorm: 55
        case .failuresThenSuccess: 200
        case .headerInjection: 60
        case .retiredKey: 200
        case .clockSkew: 200
        case .loggingGap: 720
        case .eventLoss: 5
        }
    }

    /// The shortest event-time span, in seconds, that fits the warmup and the attack when the
    /// attack is placed at `attackAt` of the span: the attack ends by 85% of the span.
    public func minimumSpanSeconds(attackAt: Double) -> Double {
        max((warmupSeconds + durationSeconds) / 0.85, durationSeconds / (0.85 - attackAt))
    }
}
