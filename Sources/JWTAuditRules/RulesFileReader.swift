import JWTAuditDetection
import Yams

/// Walks the YAML tree of a rules file, building a ``RuleSet`` and collecting every problem on the way.
///
/// Each check reports and goes on, so that one load names every problem of the file. The sections are in
/// `RulesFileReader+BuiltIn.swift` and `RulesFileReader+Custom.swift`, the scalar values in
/// `RulesFileReader+Values.swift`.
struct RulesFileReader {
    let file: String
    let renamedKeys: [String: String]
    private(set) var problems: [RulesProblem] = []
    /// Mappings and sequences already walked, by kind and position: Yams hands out an aliased node again with
    /// the anchor's position, so a repeat is an alias.
    private var walked: Set<[Int]> = []

    /// The top-level fields.
    static let topLevelFields = ["version", "lateness", "rules", "custom"]

    init(file: String, renamedKeys: [String: String]) {
        self.file = file
        self.renamedKeys = renamedKeys
    }

    /// One key and its value in a mapping.
    struct Entry {
        /// The key as written (a placeholder for a repeated key already mapped back).
        var name: String
        /// The key's line.
        var line: Int
        var value: Node
        /// The field path of the value.
        var path: String

        /// The line of the value, or of the key when the value has no position.
        var valueLine: Int { value.mark?.line ?? line }
    }

    /// The known fields of a mapping, in file order; unknown and repeated keys are already reported.
    struct Fields {
        var entries: [Entry]
        /// The mapping's own line.
        var line: Int
        /// The mapping's field path.
        var path: String

        subscript(name: String) -> Entry? { entries.first { $0.name == name } }
    }

    // MARK: - The file

    /// Reads the whole document; `root` is `nil` for an empty file.
    mutating func read(_ root: Node?) -> RuleSet {
        var rules = RuleSet()
        for rule in BuiltInRule.allCases {
            rules.builtIn[rule] = RuleSettings(base: rule.defaultParameters)
        }
        guard let root else {
            report(1, "version", "missing: the file is empty; it must start with version: 1")
            return rules
        }
        guard
            let top = fields(
                root, path: "", line: 1, allowed: Self.topLevelFields, owner: "the rules file",
                what: "a mapping with version, rules and custom")
        else { return rules }
        if let entry = require(top, "version", "the rules file") {
            if let version = integer(entry), version != 1 {
                report(entry.valueLine, entry.path, "must be 1, the only format version")
            }
        }
        if let entry = top["lateness"], let lateness = duration(entry, minimum: 0) {
            rules.lateness = lateness
        }
        if let entry = top["rules"] {
            builtInRules(entry, into: &rules)
        }
        if let entry = top["custom"] {
            rules.custom = customRules(entry)
        }
        return rules
    }

    // MARK: - Problems

    /// Records a problem.
    mutating func report(_ line: Int, _ path: String, _ message: String) {
        problems.append(RulesProblem(file: file, line: line, field: path.isEmpty ? nil : path, message: message))
    }

    /// Every problem, in line order (problems on one line keep the order they were found in).
    var sortedProblems: [RulesProblem] {
        problems.enumerated().sorted { ($0.element.line ?? 0, $0.offset) < ($1.element.line ?? 0, $1.offset) }
            .map(\.element)
    }

    // MARK: - Mappings and lists

    /// `path.name`, or `name` at the top.
    static func join(_ path: String, _ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

    /// Whether a scalar is YAML's null (nothing written, `~` or `null`).
    static func isNull(_ node: Node) -> Bool {
        guard case .scalar(let scalar) = node, scalar.style == .plain || scalar.style == .any else { return false }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How a value is named in a message: its text (shortened) or its kind.
    static func describe(_ node: Node) -> String {
        switch node {
        case .scalar(let scalar):
            if isNull(node) { return "nothing" }
            let text = scalar.string.count > 40 ? String(scalar.string.prefix(40)) + "…" : scalar.string
            return "\"\(text)\""
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        }
    }

    /// Reports an alias (a collection walked before) and tells whether `node` may be walked.
    private mutating func firstWalk(_ node: Node, kind: Int, path: String, line: Int) -> Bool {
        guard let mark = node.mark else { return true }
        if walked.insert([kind, mark.line, mark.column]).inserted { return true }
        report(
            line, path, "repeats the value at line \(mark.line) through an alias; anchors and aliases are not supported"
        )
        return false
    }

    /// The entries of a mapping; `nil` (reported) when `node` is not a mapping. Null counts as an empty
    /// mapping. Repeated keys and keys that are not plain names are reported and left out.
    mutating func mapping(_ node: Node, path: String, line: Int, what: String) -> [Entry]? {
        if Self.isNull(node) { return [] }
        guard case .mapping(let mapping) = node else {
            let subject = path.isEmpty ? "the file " : ""
            report(node.mark?.line ?? line, path, "\(subject)must be \(what), got \(Self.describe(node))")
            return nil
        }
        guard firstWalk(node, kind: 0, path: path, line: line) else { return nil }
        var entries: [Entry] = []
        var firstLines: [String: Int] = [:]
        for (key, value) in mapping {
            let keyLine = key.mark?.line ?? line
            guard case .scalar(let scalar) = key, !Self.isNull(key) else {
                report(keyLine, path, "has a key that is \(Self.describe(key)); keys must be names")
                continue
            }
            let name = renamedKeys[scalar.string] ?? scalar.string
            let entryPath = Self.join(path, name)
            if let first = firstLines[name] {
                report(keyLine, entryPath, "repeated key (first at line \(first))")
                continue
            }
            firstLines[name] = keyLine
            entries.append(Entry(name: name, line: keyLine, value: value, path: entryPath))
        }
        return entries
    }

    /// A mapping with a fixed set of field names; unknown names are reported (with a suggestion).
    mutating func fields(
        _ node: Node, path: String, line: Int, allowed: [String], owner: String, what: String = "a mapping of fields"
    ) -> Fields? {
        guard let entries = mapping(node, path: path, line: line, what: what) else { return nil }
        var known: [Entry] = []
        for entry in entries {
            if allowed.contains(entry.name) {
                known.append(entry)
            } else {
                let hint = Self.suggestion(for: entry.name, among: allowed).map { "did you mean \($0)? " } ?? ""
                report(
                    entry.line, entry.path,
                    "unknown field; \(hint)\(owner) takes \(allowed.joined(separator: ", "))")
            }
        }
        return Fields(entries: known, line: node.mark?.line ?? line, path: path)
    }

    /// The entry for a required field, or a report at the mapping's line.
    mutating func require(_ fields: Fields, _ name: String, _ owner: String) -> Entry? {
        if let entry = fields[name] { return entry }
        report(fields.line, Self.join(fields.path, name), "missing; \(owner) needs it")
        return nil
    }

    /// The items of a list, each with its path `path[i]`; `nil` (reported) when `entry` is not a list.
    /// Null counts as an empty list.
    mutating func list(_ entry: Entry, what: String) -> [Entry]? {
        if Self.isNull(entry.value) { return [] }
        guard case .sequence(let sequence) = entry.value else {
            report(entry.valueLine, entry.path, "must be a list of \(what), got \(Self.describe(entry.value))")
            return nil
        }
        guard firstWalk(entry.value, kind: 1, path: entry.path, line: entry.line) else { return nil }
        return sequence.enumerated().map { index, item in
            Entry(name: "\(index)", line: item.mark?.line ?? entry.line, value: item, path: "\(entry.path)[\(index)]")
        }
    }

    /// The closest of `names` to `name` (at most two edits away, or the only name it begins), for
    /// "did you mean" hints.
    static func suggestion(for name: String, among names: [String]) -> String? {
        let scored = names.map { ($0, editDistance(name, $0)) }.filter { $0.1 <= 2 && $0.1 < name.count }
        if let closest = scored.min(by: { $0.1 < $1.1 }) { return closest.0 }
        let extended = names.filter { name.count >= 4 && $0.hasPrefix(name) }
        return extended.count == 1 ? extended[0] : nil
    }

    /// Levenshtein distance over characters.
    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a)
        let b = Array(b)
        var previous = Array(0...b.count)
        for i in a.indices {
            var current = [i + 1] + Array(repeating: 0, count: b.count)
            for j in b.indices {
                let cost = a[i] == b[j] ? 0 : 1
                current[j + 1] = min(previous[j + 1] + 1, current[j] + 1, previous[j] + cost)
            }
            previous = current
        }
        return previous[b.count]
    }
}
