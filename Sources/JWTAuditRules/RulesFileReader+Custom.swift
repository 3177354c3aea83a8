import JWTAuditDetection
import JWTAuditModel
import Yams

/// The `custom` section: threshold, sequence and absence rules with their matchers.
extension RulesFileReader {
    /// Fields every custom rule takes.
    static let customFields = [
        "id", "type", "description", "severity", "window", "suppression", "group_by", "mitre", "compliance",
    ]
    /// Fields of threshold rules only.
    static let thresholdFields = ["match", "threshold", "distinct"]
    /// Fields of sequence and absence rules only.
    static let pairFields = ["first", "then"]
    /// Custom rule types.
    static let customTypes = ["threshold", "sequence", "absence"]
    /// The shape of a custom rule id: it appears in alerts and metric labels.
    /// Suppression of a custom rule that names none: 15 minutes, as for built-in rules.
    static let defaultSuppression: Int64 = 15 * 60 * second
    static let idForm = "lowercase letters, digits and _, starting with a letter, at most 64 characters"

    /// The wire names an event field can take, for the fields that have a closed set.
    static let knownValues: [EventField: [String]] = [
        .kind: EventKind.allCases.map(\.name),
        .outcome: Outcome.allCases.map(\.name),
        .reason: Reason.allCases.map(\.name),
        .tokenType: TokenType.allCases.map(\.name),
    ]

    /// Reads `custom:`; rules with problems are left out (and reported).
    mutating func customRules(_ entry: Entry) -> [CustomRule] {
        guard let items = list(entry, what: "custom rules") else { return [] }
        var rules: [CustomRule] = []
        var ids: [String: Entry] = [:]
        for item in items {
            if let rule = customRule(item, ids: &ids) {
                rules.append(rule)
            }
        }
        return rules
    }

    /// One custom rule; `ids` holds the ids seen so far, for repeats.
    mutating func customRule(_ item: Entry, ids: inout [String: Entry]) -> CustomRule? {
        let before = problems.count
        let owner = "a custom rule"
        let allowed = Self.customFields + Self.thresholdFields + Self.pairFields
        guard let fields = self.fields(item.value, path: item.path, line: item.line, allowed: allowed, owner: owner)
        else { return nil }

        let id = require(fields, "id", owner).flatMap { customID($0, ids: &ids) }
        let type = require(fields, "type", owner).flatMap { entry -> String? in
            guard let type = text(entry) else { return nil }
            guard Self.customTypes.contains(type) else {
                report(entry.valueLine, entry.path, "must be threshold, sequence or absence, got \"\(type)\"")
                return nil
            }
            return type
        }
        let description = fields["description"].flatMap { text($0, allowEmpty: true) } ?? ""
        let severity = require(fields, "severity", owner).flatMap { self.severity($0) }
        let window = require(fields, "window", owner).flatMap { duration($0, minimum: 1) }
        let suppression = fields["suppression"].map { duration($0, minimum: 0) } ?? Self.defaultSuppression
        let groupByEntry = fields["group_by"]
        let parsedGroupBy = groupByEntry.map { eventFields($0) }
        let groupBy = (parsedGroupBy ?? []) ?? []
        let techniques =
            fields["mitre"].flatMap { textList($0, what: "MITRE ATT&CK technique ids", check: Self.techniqueProblem) }
            ?? []
        let tags = fields["compliance"].flatMap { textList($0, what: "compliance tags", check: Self.tagProblem) } ?? []

        var logic: CustomRule.Logic?
        if let type {
            let own = type == "threshold" ? Self.thresholdFields : Self.pairFields
            for entry in fields.entries where (Self.thresholdFields + Self.pairFields).contains(entry.name) {
                if !own.contains(entry.name) {
                    report(
                        entry.line, entry.path,
                        "not a field of \(type) rules (they take \(own.joined(separator: ", ")))")
                }
            }
            logic = type == "threshold" ? thresholdLogic(fields, groupBy: groupBy) : pairLogic(fields, type: type)
            if type != "threshold" {
                let rule = type == "absence" ? "an absence rule" : "a sequence rule"
                if groupByEntry == nil {
                    report(
                        fields.line, Self.join(item.path, "group_by"),
                        "missing; \(rule) joins first and then on group_by")
                } else if let entry = groupByEntry, case .some(.some(let parsed)) = parsedGroupBy, parsed.isEmpty {
                    report(
                        entry.valueLine, entry.path, "must name at least one field: \(rule) joins first and then on it")
                }
            }
        }
        guard problems.count == before, let id, let severity, let window, let suppression, let logic else { return nil }
        return CustomRule(
            id: id, severity: severity, logic: logic, groupBy: groupBy, window: window, suppression: suppression,
            techniques: techniques, tags: tags, description: description)
    }

    /// The rule's id, checked for its form, clashes with built-in ids and repeats.
    mutating func customID(_ entry: Entry, ids: inout [String: Entry]) -> String? {
        guard let id = text(entry) else { return nil }
        if let first = ids[id] {
            report(entry.valueLine, entry.path, "repeats the id of \(first.path) (line \(first.valueLine))")
            return nil
        }
        ids[id] = entry
        if BuiltInRule(rawValue: id) != nil {
            report(entry.valueLine, entry.path, "\"\(id)\" is a built-in rule id; a custom rule needs its own")
            return nil
        }
        guard Self.isRuleID(id) else {
            report(entry.valueLine, entry.path, "must be \(Self.idForm), got \"\(id)\"")
            return nil
        }
        return id
    }

    /// Whether `id` is lowercase letters, digits and `_`, starting with a letter, at most 64 characters.
    static func isRuleID(_ id: String) -> Bool {
        guard let first = id.unicodeScalars.first, id.unicodeScalars.count <= 64, ("a"..."z").contains(first)
        else { return false }
        return id.unicodeScalars.allSatisfy { ("a"..."z").contains($0) || ("0"..."9").contains($0) || $0 == "_" }
    }

    /// `match`, `threshold` and `distinct` of a threshold rule.
    mutating func thresholdLogic(_ fields: Fields, groupBy: [EventField]) -> CustomRule.Logic? {
        let owner = "a threshold rule"
        let match = require(fields, "match", owner).flatMap { matcher($0) }
        let threshold = require(fields, "threshold", owner).flatMap { integer($0, minimum: 1) }
        var distinct: EventField?
        if let entry = fields["distinct"], let field = eventField(entry) {
            distinct = field
            if groupBy.contains(field) {
                report(
                    entry.valueLine, entry.path,
                    "\(field.name) is also in group_by: its distinct count per key would always be 1")
            }
        }
        guard let match, let threshold else { return nil }
        return .threshold(match: match, threshold: threshold, distinct: distinct)
    }

    /// `first` and `then` of a sequence or absence rule.
    mutating func pairLogic(_ fields: Fields, type: String) -> CustomRule.Logic? {
        let owner = "a \(type) rule"
        let first = require(fields, "first", owner).flatMap { matcher($0) }
        let then = require(fields, "then", owner).flatMap { matcher($0) }
        guard let first, let then else { return nil }
        if first == then, let entry = fields["then"] {
            report(entry.valueLine, entry.path, "is the same as first: every event would pair with itself")
            return nil
        }
        return type == "sequence" ? .sequence(first: first, then: then) : .absence(first: first, then: then)
    }

    // MARK: - Matchers and event fields

    /// A matcher: `field: value` or `field: [values]` conditions, and a `not:` block of negated ones. Must
    /// name at least one field.
    mutating func matcher(_ entry: Entry) -> EventMatcher? {
        let before = problems.count
        let what = "a mapping of event fields to values"
        guard let entries = mapping(entry.value, path: entry.path, line: entry.line, what: what) else { return nil }
        var conditions: [EventMatcher.Condition] = []
        for field in entries {
            if field.name == "not" {
                guard let negated = mapping(field.value, path: field.path, line: field.line, what: what) else {
                    continue
                }
                if negated.isEmpty {
                    report(field.valueLine, field.path, "must name at least one field")
                }
                for item in negated {
                    if let condition = self.condition(item, negated: true) { conditions.append(condition) }
                }
            } else if let condition = self.condition(field, negated: false) {
                conditions.append(condition)
            }
        }
        guard problems.count == before else { return nil }
        if conditions.isEmpty {
            report(entry.valueLine, entry.path, "must name at least one field: an empty matcher would take every event")
            return nil
        }
        return EventMatcher(conditions)
    }

    /// One matcher condition: the field's value is one of the listed values.
    mutating func condition(_ entry: Entry, negated: Bool) -> EventMatcher.Condition? {
        guard let field = EventField(rawValue: entry.name) else {
            reportUnknownField(entry.name, line: entry.line, path: entry.path, allowNot: !negated)
            return nil
        }
        let values: [String]?
        if case .sequence(let items) = entry.value {
            values = textList(entry, what: "values")
            if items.isEmpty {
                report(entry.valueLine, entry.path, "must list at least one value")
                return nil
            }
        } else {
            values = text(entry, allowEmpty: true).map { [$0] }
        }
        guard let values else { return nil }
        if let known = Self.knownValues[field] {
            for value in values where !known.contains(value) {
                report(
                    entry.valueLine, entry.path,
                    "\"\(value)\" is not a \(field.name); it is one of \(known.joined(separator: ", "))")
            }
        }
        return EventMatcher.Condition(field: field, values: Set(values), negated: negated)
    }

    /// One event field by its wire name.
    mutating func eventField(_ entry: Entry) -> EventField? {
        guard let name = text(entry) else { return nil }
        guard let field = EventField(rawValue: name) else {
            reportUnknownField(name, line: entry.valueLine, path: entry.path, allowNot: false)
            return nil
        }
        return field
    }

    /// A list of distinct event fields (for `group_by`).
    mutating func eventFields(_ entry: Entry) -> [EventField]? {
        guard let items = list(entry, what: "event fields") else { return nil }
        var fields: [EventField] = []
        var good = true
        for item in items {
            guard let field = eventField(item) else {
                good = false
                continue
            }
            if fields.contains(field) {
                report(item.valueLine, item.path, "repeats \(field.name)")
                good = false
            }
            fields.append(field)
        }
        return good ? fields : nil
    }

    /// Reports a name that is not an event field, with a suggestion and the list of fields.
    mutating func reportUnknownField(_ name: String, line: Int, path: String, allowNot: Bool) {
        let names = EventField.allCases.map(\.name) + (allowNot ? ["not"] : [])
        let hint = Self.suggestion(for: name, among: names).map { "did you mean \($0)? " } ?? ""
        report(line, path, "unknown event field \"\(name)\"; \(hint)fields are \(names.joined(separator: ", "))")
    }

    // MARK: - Tags

    /// Why `id` is not a MITRE ATT&CK technique id (`T1110` or `T1110.003`), or `nil`.
    static func techniqueProblem(_ id: String) -> String? {
        let parts = id.split(separator: ".", omittingEmptySubsequences: false)
        let digits = { (part: Substring, count: Int) in
            part.count == count && part.allSatisfy { $0.isASCII && $0.isNumber }
        }
        let valid =
            id.hasPrefix("T") && digits(parts[0].dropFirst(), 4)
            && (parts.count == 1 || (parts.count == 2 && digits(parts[1], 3)))
        return valid ? nil : "must be a MITRE ATT&CK technique id such as T1110 or T1110.003, got \"\(id)\""
    }

    /// Why `tag` is not a compliance tag (`framework:requirement`, such as `pci-dss:10.2.1.4`), or `nil`.
    static func tagProblem(_ tag: String) -> String? {
        let parts = tag.split(separator: ":", maxSplits: 1, omittingEmptySubsequences: false)
        let valid = parts.count == 2 && !parts[0].isEmpty && !parts[1].isEmpty && !tag.contains(" ")
        return valid ? nil : "must be framework:requirement, such as pci-dss:10.2.1.4, got \"\(tag)\""
    }
}
