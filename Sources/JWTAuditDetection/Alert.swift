/// A stored alert (DESIGN section 3): findings of one rule and key folded together, with its
/// triage state and the history of every change.
public struct Alert: Sendable, Hashable {
    public var id: Int64
    public var rule: String
    public var severity: Severity
    public var key: AlertKey
    /// Event time of the first and last event behind the alert, microseconds since the epoch.
    public var firstSeen: Int64
    public var lastSeen: Int64
    /// Events behind the alert, summed over its findings.
    public var count: Int
    /// A few event references, oldest first.
    public var samples: [EventReference]
    public var summary: String
    public var techniques: [String]
    public var tags: [String]
    public var status: AlertStatus
    public var assignee: String?
    /// Wall-clock time the alert was stored and last changed, microseconds since the epoch.
    public var createdAt: Int64
    public var updatedAt: Int64
    public var notes: [AlertNote]
    /// Every change, oldest first; append-only.
    public var history: [AlertChange]

    public init(
        id: Int64, rule: String, severity: Severity, key: AlertKey, firstSeen: Int64, lastSeen: Int64,
        count: Int, samples: [EventReference], summary: String, techniques: [String], tags: [String],
        status: AlertStatus = .open, assignee: String? = nil, createdAt: Int64, updatedAt: Int64,
        notes: [AlertNote] = [], history: [AlertChange] = []
    ) {
        self.id = id
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
        self.status = status
        self.assignee = assignee
        self.createdAt = createdAt
        self.updatedAt = updatedAt
        self.notes = notes
        self.history = history
    }
}

/// A note on an alert: who wrote it, when (microseconds since the epoch), and the text.
public struct AlertNote: Sendable, Hashable {
    public var author: String
    public var at: Int64
    public var text: String

    public init(author: String, at: Int64, text: String) {
        self.author = author
        self.at = at
        self.text = text
    }
}

/// One entry of an alert's append-only history.
public struct AlertChange: Sendable, Hashable {
    /// What changed: `created`, `updated` (new findings folded in), `escalated`, `status`,
    /// `assignee`, `note`.
    public var action: String
    /// Who: a user name given with `--by`, an API token's name, or `jwtaudit` for the detector.
    public var by: String
    /// Microseconds since the epoch.
    public var at: Int64
    /// The value before and after, for `status`, `assignee` and `escalated`.
    public var from: String?
    public var to: String?
    public var note: String?

    public init(action: String, by: String, at: Int64, from: String? = nil, to: String? = nil, note: String? = nil) {
        self.action = action
        self.by = by
        self.at = at
        self.from = from
        self.to = to
        self.note = note
    }
}
