import JWTAuditDetection
import Yams

/// The `rules` section: settings of built-in rules, with per-service overrides merged onto each rule's base.
extension RulesFileReader {
    /// Fields every built-in rule takes, besides its own ``BuiltInRule/parameters``.
    static let commonRuleFields = ["enabled", "severity", "suppression"]

    /// The fields `rule` takes: common ones, `services` at the rule's level, then the rule's own.
    static func fieldNames(of rule: BuiltInRule, services: Bool) -> [String] {
        commonRuleFields + (services ? ["services"] : []) + rule.parameters
    }

    /// Reads `rules:` into `rules.builtIn`.
    mutating func builtInRules(_ entry: Entry, into rules: inout RuleSet) {
        guard
            let entries = mapping(
                entry.value, path: entry.path, line: entry.line, what: "a mapping of built-in rule ids to settings")
        else { return }
        let ids = BuiltInRule.allCases.map(\.id)
        for ruleEntry in entries {
            guard let rule = BuiltInRule(rawValue: ruleEntry.name) else {
                let hint = Self.suggestion(for: ruleEntry.name, among: ids).map { "did you mean \($0)? " } ?? ""
                report(
                    ruleEntry.line, ruleEntry.path,
                    "unknown rule id; \(hint)built-in rules are listed in docs/rules.md, custom rules go under custom")
                continue
            }
            rules.builtIn[rule] = settings(ruleEntry, of: rule)
        }
    }

    /// One rule's settings: its defaults, the file's values, then each service's overrides on top of those.
    mutating func settings(_ entry: Entry, of rule: BuiltInRule) -> RuleSettings {
        var settings = RuleSettings(base: rule.defaultParameters)
        guard
            let fields = self.fields(
                entry.value, path: entry.path, line: entry.line, allowed: Self.fieldNames(of: rule, services: true),
                owner: rule.id)
        else { return settings }
        for field in fields.entries where field.name != "services" {
            apply(field, to: &settings.base)
        }
        guard let servicesEntry = fields["services"],
            let services = mapping(
                servicesEntry.value, path: servicesEntry.path, line: servicesEntry.line,
                what: "a mapping of service names to settings")
        else { return settings }
        for service in services {
            if let problem = Self.serviceNameProblem(service.name) {
                report(service.line, service.path, problem)
                continue
            }
            guard
                let overrides = self.fields(
                    service.value, path: service.path, line: service.line,
                    allowed: Self.fieldNames(of: rule, services: false), owner: "a service override of \(rule.id)")
            else { continue }
            var parameters = settings.base
            for field in overrides.entries {
                apply(field, to: &parameters)
            }
            settings.services[service.name] = parameters
        }
        return settings
    }

    /// Sets one field of `parameters` from the file (names as in ``BuiltInRule/parameters``).
    mutating func apply(_ field: Entry, to parameters: inout RuleParameters) {
        switch field.name {
        case "enabled": if let value = boolean(field) { parameters.enabled = value }
        case "severity": if let value = severity(field) { parameters.severity = value }
        case "suppression": if let value = duration(field, minimum: 0) { parameters.suppression = value }
        case "threshold": if let value = integer(field, minimum: 1) { parameters.threshold = value }
        case "window": if let value = duration(field, minimum: 1) { parameters.window = value }
        case "leeway": if let value = duration(field, minimum: 0) { parameters.leeway = value }
        case "z_score": if let value = positiveNumber(field) { parameters.zScore = value }
        case "warmup_minutes": if let value = integer(field, minimum: 0) { parameters.warmupMinutes = value }
        case "max_lifetime":
            if Self.plainText(field.value) == "none" {
                parameters.maxLifetime = nil
            } else if Self.durationValue(field.value) == nil {
                report(
                    field.valueLine, field.path,
                    "must be \(Self.durationForm) or none, got \(Self.describe(field.value))")
            } else if let lifetime = duration(field, minimum: 1) {
                parameters.maxLifetime = lifetime
            }
        case "require_audience": if let value = boolean(field) { parameters.requireAudience = value }
        case "grace": if let value = duration(field, minimum: 0) { parameters.grace = value }
        case "allowed_url_prefixes":
            if let prefixes = textList(field, what: "URL prefixes", check: Self.urlPrefixProblem) {
                parameters.allowedURLPrefixes = prefixes
            }
        case "retired_kids": if let value = textList(field, what: "key ids") { parameters.retiredKeyIDs = value }
        case "silence": if let value = duration(field, minimum: 1) { parameters.silence = value }
        default: preconditionFailure("field \(field.name) is in BuiltInRule.parameters but has no reader")
        }
    }

    /// Why a `jku`/`x5u` allow-list prefix is unsafe or not a URL prefix, or `nil`.
    static func urlPrefixProblem(_ prefix: String) -> String? {
        guard let scheme = ["https://", "http://"].first(where: { prefix.lowercased().hasPrefix($0) }) else {
            return "must start with https:// (or http://), got \"\(prefix)\""
        }
        let rest = prefix.dropFirst(scheme.count)
        guard let slash = rest.firstIndex(of: "/"), slash != rest.startIndex else {
            return "must end its host with /, as in \(scheme)login.example.com/ "
                + "(without it, \(scheme)login.example.com.attacker.net would match too)"
        }
        return nil
    }

    /// Why `name` cannot be a service name (1–128 characters, no control characters, as on the wire), or `nil`.
    static func serviceNameProblem(_ name: String) -> String? {
        if name.isEmpty { return "a service name must not be empty" }
        if name.unicodeScalars.count > 128 { return "a service name must be at most 128 characters" }
        if name.unicodeScalars.contains(where: { $0.properties.generalCategory == .control }) {
            return "a service name must not contain control characters"
        }
        return nil
    }
}
