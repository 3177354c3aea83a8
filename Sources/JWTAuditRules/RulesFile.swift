import Foundation
import JWTAuditDetection

/// Reads a rules file (YAML) into a ``RuleSet``: settings of the built-in rules, per-service overrides and
/// custom rules. The format is in docs/rules.md; `rules.yaml` at the repository root is the default file.
///
/// Loading goes in stages, as Falco's does: read the text, compose YAML (with line numbers), then check
/// and build. One load reports every problem of the file at once, each as a ``RulesProblem``
/// (`FILE:LINE: field PATH: message`); a file with any problem is refused whole.
public enum RulesFile {
    /// The default rules file, beside `retention.json`.
    public static let defaultPath = "rules.yaml"
    /// Files larger than this (1 MiB) are refused unread.
    public static let maximumBytes = 1 << 20

    /// Reads and checks the rules file at `path`; throws every problem when there is any.
    public static func load(path: String) throws(RulesFileError) -> RuleSet {
        try parse(text: read(path), path: path)
    }

    /// Checks and builds rules from YAML text; `path` names the file in problems.
    public static func parse(text: String, path: String) throws(RulesFileError) -> RuleSet {
        let document: RulesDocument
        switch RulesDocument.compose(text) {
        case .success(let composed): document = composed
        case .failure(let failure):
            throw RulesFileError(
                file: path,
                problems: [RulesProblem(file: path, line: failure.line, field: nil, message: failure.message)])
        }
        var reader = RulesFileReader(file: path, renamedKeys: document.renamedKeys)
        let rules = reader.read(document.root)
        let problems = reader.sortedProblems
        guard problems.isEmpty else { throw RulesFileError(file: path, problems: problems) }
        return rules
    }

    /// Every problem of the rules file at `path`, in line order; empty when the file is good.
    public static func check(path: String) -> [RulesProblem] {
        do {
            _ = try load(path: path)
            return []
        } catch {
            return error.problems
        }
    }

    /// Every problem of YAML text, in line order; empty when it is good.
    public static func check(text: String, path: String) -> [RulesProblem] {
        do {
            _ = try parse(text: text, path: path)
            return []
        } catch {
            return error.problems
        }
    }

    /// `FILE: ok (17 of 18 built-in rules enabled, 2 service overrides, 1 custom rule)`, the line that
    /// `jwtaudit rules check` prints for a good file.
    public static func summary(of rules: RuleSet, path: String) -> String {
        let enabled = BuiltInRule.allCases.filter { rules.settings($0).enabledAnywhere }.count
        let overrides = BuiltInRule.allCases.reduce(0) { $0 + rules.settings($1).services.count }
        let custom = rules.custom.count
        return "\(path): ok (\(enabled) of \(BuiltInRule.allCases.count) built-in rules enabled, "
            + "\(overrides) service override\(overrides == 1 ? "" : "s"), "
            + "\(custom) custom rule\(custom == 1 ? "" : "s"))"
    }

    /// The file's text; a missing, unreadable, oversized or non-UTF-8 file is one problem.
    static func read(_ path: String) throws(RulesFileError) -> String {
        func refuse(_ message: String) -> RulesFileError {
            RulesFileError(file: path, problems: [RulesProblem(file: path, line: nil, field: nil, message: message)])
        }
        let data: Data
        do {
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            if let size = attributes[.size] as? Int, size > maximumBytes {
                throw refuse("larger than 1 MiB; a rules file is a few kilobytes")
            }
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch let error as RulesFileError {
            throw error
        } catch {
            throw refuse("cannot read the file")
        }
        guard data.count <= maximumBytes else { throw refuse("larger than 1 MiB; a rules file is a few kilobytes") }
        guard let text = String(validating: data, as: UTF8.self) else { throw refuse("not valid UTF-8 text") }
        return text
    }
}
