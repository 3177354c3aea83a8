/// Everything the detection engine runs: built-in rules with their settings, and custom rules.
/// Loaded from `rules.yaml` (see docs/rules.md); ``defaults`` is what runs without a file.
public struct RuleSet: Sendable {
    /// How late (in event time, behind the newest event seen) an event may arrive and still count
    /// in its windows. Default 2 minutes.
    public var lateness: Int64 = 120 * 1_000_000
    /// Settings for every built-in rule; a rule missing here runs with its defaults.
    public var builtIn: [BuiltInRule: RuleSettings]
    public var custom: [CustomRule]

    public init(lateness: Int64 = 120 * 1_000_000, builtIn: [BuiltInRule: RuleSettings] = [:], custom: [CustomRule] = []) {
        self.lateness = lateness
        self.builtIn = builtIn
        self.custom = custom
    }

    /// Every built-in rule with its defaults, no custom rule.
    public static var defaults: RuleSet { RuleSet() }

    /// The settings of a built-in rule.
    public func settings(_ rule: BuiltInRule) -> RuleSettings {
        builtIn[rule] ?? RuleSettings(base: rule.defaultParameters)
    }
}
