/// A built-in rule's parameters, with per-service overrides already merged onto the base.
public struct RuleSettings: Sendable, Hashable {
    public var base: RuleParameters
    /// Complete parameters for services that override something, keyed by service name.
    public var services: [String: RuleParameters]

    public init(base: RuleParameters, services: [String: RuleParameters] = [:]) {
        self.base = base
        self.services = services
    }

    /// The parameters that apply to events of `service`.
    @inline(__always)
    public func parameters(for service: String) -> RuleParameters {
        if services.isEmpty { return base }
        return services[service] ?? base
    }

    /// Reads scalar parameters for `service` without copying the whole parameters (their lists
    /// would be retained and released on every event).
    @inline(__always)
    public func read<Value>(for service: String, _ body: (RuleParameters) -> Value) -> Value {
        if services.isEmpty { return body(base) }
        if let index = services.index(forKey: service) { return body(services.values[index]) }
        return body(base)
    }

    /// Whether the rule runs for at least one service.
    public var enabledAnywhere: Bool { base.enabled || services.values.contains { $0.enabled } }
}
