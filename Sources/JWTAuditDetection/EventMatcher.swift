import JWTAuditModel

/// Which events a custom rule looks at: every condition must hold (an empty matcher takes all).
public struct EventMatcher: Sendable, Hashable {
    public var conditions: [Condition]

    /// One field test: the field's value is one of `values` (or none of them when `negated`).
    /// A missing field matches only a negated condition.
    public struct Condition: Sendable, Hashable {
        public var field: EventField
        public var values: Set<String>
        public var negated: Bool

        public init(field: EventField, values: Set<String>, negated: Bool = false) {
            self.field = field
            self.values = values
            self.negated = negated
        }
    }

    public init(_ conditions: [Condition] = []) {
        self.conditions = conditions
    }

    @inline(__always)
    public func matches(_ event: AuditEvent) -> Bool {
        for condition in conditions {
            let found = condition.field.value(in: event).map { condition.values.contains($0) } ?? false
            if found == condition.negated { return false }
        }
        return true
    }
}
