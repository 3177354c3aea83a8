/// A rule written in the rules file: a threshold, a sequence (A then B) or an absence (A without B).
public struct CustomRule: Sendable, Hashable {
    /// The rule id; must not be a built-in id.
    public var id: String
    public var severity: Severity
    public var logic: Logic
    /// The fields whose values form the alert key (and, for sequences, join A to B).
    public var groupBy: [EventField]
    /// Threshold window, or the time B must follow A within. Microseconds.
    public var window: Int64
    public var suppression: Int64
    public var techniques: [String]
    public var tags: [String]
    /// One line for analysts.
    public var description: String

    public enum Logic: Sendable, Hashable {
        /// At least `threshold` matching events in `window` per key; with `distinct`, at least
        /// `threshold` distinct values of that field.
        case threshold(match: EventMatcher, threshold: Int, distinct: EventField?)
        /// An event matching `first`, then one matching `then` with the same key within `window`:
        /// fires on the second.
        case sequence(first: EventMatcher, then: EventMatcher)
        /// An event matching `first` and no event matching `then` with the same key within
        /// `window`: fires when the window has passed.
        case absence(first: EventMatcher, then: EventMatcher)
    }

    public init(
        id: String, severity: Severity, logic: Logic, groupBy: [EventField], window: Int64,
        suppression: Int64 = 15 * 60 * 1_000_000, techniques: [String] = [], tags: [String] = [],
        description: String = ""
    ) {
        self.id = id
        self.severity = severity
        self.logic = logic
        self.groupBy = groupBy
        self.window = window
        self.suppression = suppression
        self.techniques = techniques
        self.tags = tags
        self.description = description
    }
}
