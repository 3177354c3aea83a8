/// What one rule saw: the detection engine's output, before deduplication into a stored alert.
///
/// The alert store folds findings with the same rule and key inside the suppression window into
/// one alert (count, last seen, samples); a finding with a higher severity raises the alert's.
public struct Finding: Sendable, Hashable {
    /// The rule id: a built-in id of DESIGN section 3 or a custom rule's id.
    public var rule: String
    public var severity: Severity
    public var key: AlertKey
    /// Event time of the first and last event behind this finding, microseconds since the epoch.
    public var firstSeen: Int64
    public var lastSeen: Int64
    /// Events behind this finding (for a threshold rule, the count in the window when it fired).
    public var count: Int
    /// A few of those events, oldest first.
    public var samples: [EventReference]
    /// One sentence for an analyst, built from the rule and its figures. Event-derived text in it is
    /// attacker-controlled: every surface escapes it.
    public var summary: String
    /// MITRE ATT&CK technique ids, such as `T1110`.
    public var techniques: [String]
    /// Compliance tags, such as `pci-dss:10.2.1.4`.
    public var tags: [String]
    /// How long after `lastSeen` the same rule and key update this alert instead of opening a new one,
    /// in microseconds.
    public var suppressionWindow: Int64

    public init(
        rule: String, severity: Severity, key: AlertKey, firstSeen: Int64, lastSeen: Int64, count: Int,
        samples: [EventReference], summary: String, techniques: [String], tags: [String], suppressionWindow: Int64
    ) {
        self.rule = rule
        self.severity = severity
        self.key = key
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
        self.count = count
        self.samples = samples
        self.summary = summary
        self.techniques = techniques
        self.tags = tags
        self.suppressionWindow = suppressionWindow
    }
}
