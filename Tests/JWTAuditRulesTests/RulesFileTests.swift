import Foundation
import JWTAuditDetection
import Testing

@testable import JWTAuditRules

/// The repository's rules.yaml, found from this file.
private let shippedPath = URL(fileURLWithPath: #filePath)
    .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    .appendingPathComponent("rules.yaml").path

private let second: Int64 = 1_000_000
private let minute = 60 * second

private func load(_ text: String) throws -> RuleSet {
    try RulesFile.parse(text: text, path: "r.yaml")
}

/// A file with one custom rule of the fields given (in flow style).
private func custom(_ fields: String) -> String {
    "version: 1\ncustom:\n  - { \(fields) }"
}

/// A file with one threshold rule: `id`, window 1m, severity low and the fields given.
private func threshold(_ fields: String, id: String = "a") -> String {
    custom("id: \(id), type: threshold, window: 1m, severity: low, \(fields)")
}

private func problems(_ text: String) -> [RulesProblem] {
    RulesFile.check(text: text, path: "r.yaml")
}

/// Each problem as `LINE FIELD`, for comparing whole lists.
private func located(_ text: String) -> [String] {
    problems(text).map { "\($0.line.map(String.init) ?? "-") \($0.field ?? "-")" }
}

/// The shipped file with the commented-out custom examples switched on.
private func shippedWithExamples() throws -> String {
    let text = try String(contentsOfFile: shippedPath, encoding: .utf8)
    let start = try #require(text.range(of: "\ncustom:")).upperBound
    let examples = text[start...].split(separator: "\n", omittingEmptySubsequences: false).map { line in
        line.hasPrefix("#   ") ? String(line.dropFirst(2)) : String(line)
    }
    return text[..<start] + examples.joined(separator: "\n")
}

@Suite("The shipped rules.yaml")
struct ShippedRulesTests {
    @Test("loads to exactly the defaults: every built-in rule's settings, lateness, no custom rule")
    func equalsDefaults() throws {
        let rules = try RulesFile.load(path: shippedPath)
        let defaults = RuleSet.defaults
        for rule in BuiltInRule.allCases {
            #expect(rules.settings(rule) == defaults.settings(rule), "\(rule.id)")
            #expect(rules.settings(rule).services.isEmpty)
        }
        #expect(rules.lateness == defaults.lateness)
        #expect(rules.custom.isEmpty)
        #expect(RulesFile.check(path: shippedPath) == [])
    }

    @Test("writes out every built-in rule with every field it takes, so an operator sees each value")
    func writesEverythingOut() throws {
        let text = try String(contentsOfFile: shippedPath, encoding: .utf8)
        let lines = text.split(separator: "\n").map(String.init)
        for rule in BuiltInRule.allCases {
            let start = try #require(lines.firstIndex(of: "  \(rule.id):"), "\(rule.id) is not written out")
            let block = lines[(start + 1)...].prefix { $0.hasPrefix("    ") || $0.hasPrefix("  #") }
            for field in RulesFileReader.fieldNames(of: rule, services: false) {
                #expect(block.contains { $0.hasPrefix("    \(field):") }, "\(rule.id).\(field) is not written out")
            }
        }
    }

    @Test("docs/rules.md has a row for every built-in rule with its parameters, severity, MITRE ids and tags")
    func documented() throws {
        let docs = try String(
            contentsOfFile: URL(fileURLWithPath: shippedPath).deletingLastPathComponent()
                .appendingPathComponent("docs/rules.md").path,
            encoding: .utf8)
        for rule in BuiltInRule.allCases {
            let row = try #require(
                docs.split(separator: "\n").first { $0.hasPrefix("| `\(rule.id)` |") }, "no row for \(rule.id)")
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            try #require(cells.count == 6, "\(rule.id): \(cells)")
            for parameter in rule.parameters {
                #expect(cells[2].contains("`\(parameter)`"), "\(rule.id) row lacks \(parameter)")
            }
            #expect(cells[3].hasPrefix(rule.defaultSeverity.name), "\(rule.id) severity")
            #expect(cells[4] == (rule.techniques.isEmpty ? "none" : rule.techniques.joined(separator: ", ")))
            #expect(cells[5] == rule.tags.joined(separator: ", "), "\(rule.id) tags")
        }
    }

    @Test("its commented-out examples, switched on, load as one threshold, one sequence and one absence rule")
    func examplesLoad() throws {
        let rules = try load(try shippedWithExamples())
        #expect(rules.custom.map(\.id) == ["admin_scope_failures", "revoked_then_accepted", "issued_never_used"])
        guard case .threshold = rules.custom[0].logic, case .sequence = rules.custom[1].logic,
            case .absence = rules.custom[2].logic
        else {
            Issue.record("wrong types: \(rules.custom.map(\.logic))")
            return
        }
    }
}

@Suite("Rules file: built-in rule settings")
struct BuiltInSettingsTests {
    @Test("values set on a rule replace its defaults and leave the other rules alone")
    func baseValues() throws {
        let rules = try load(
            """
            version: 1
            lateness: 30s
            rules:
              brute_force_signature: { threshold: 40, window: 2m, severity: critical, suppression: 1h }
              token_spray: { enabled: false }
              validator_misconfig: { max_lifetime: none, require_audience: true, leeway: 0 }
              failure_rate_spike: { z_score: 3.5, warmup_minutes: 0 }
              header_injection:
                allowed_url_prefixes: ["https://login.example.com/", "https://keys.example.com:8443/jwks/"]
              retired_key:
                retired_kids: ["2023-rsa", 17]
              logging_gap: { silence: 7d }
              refresh_token_reuse: { grace: 45 }
            """)
        #expect(rules.lateness == 30 * second)
        let brute = rules.settings(.bruteForceSignature).base
        #expect(brute.threshold == 40)
        #expect(brute.window == 2 * minute)
        #expect(brute.severity == .critical)
        #expect(brute.suppression == 60 * minute)
        #expect(rules.settings(.tokenSpray).base.enabled == false)
        #expect(rules.settings(.tokenSpray).base.threshold == 10)
        let misconfig = rules.settings(.validatorMisconfig).base
        #expect(misconfig.maxLifetime == nil)
        #expect(misconfig.requireAudience)
        #expect(misconfig.leeway == 0)
        #expect(rules.settings(.failureRateSpike).base.zScore == 3.5)
        #expect(rules.settings(.failureRateSpike).base.warmupMinutes == 0)
        #expect(
            rules.settings(.headerInjection).base.allowedURLPrefixes == [
                "https://login.example.com/", "https://keys.example.com:8443/jwks/",
            ])
        #expect(rules.settings(.retiredKey).base.retiredKeyIDs == ["2023-rsa", "17"])
        #expect(rules.settings(.loggingGap).base.silence == 7 * 24 * 60 * minute)
        #expect(rules.settings(.refreshTokenReuse).base.grace == 45 * second)
        #expect(rules.settings(.keyProbe) == RuleSet.defaults.settings(.keyProbe))
    }

    @Test(
        "durations take s, m, h, d or whole seconds",
        arguments: [
            ("30s", 30 * second), ("5m", 5 * minute), ("2h", 120 * minute), ("7d", 7 * 1_440 * minute),
            ("90", 90 * second), ("'1m'", minute),
        ])
    func durations(text: String, microseconds: Int64) throws {
        let rules = try load("version: 1\nrules:\n  key_probe:\n    window: \(text)\n")
        #expect(rules.settings(.keyProbe).base.window == microseconds)
    }

    @Test("a service override is merged onto the rule's settings from the file, not onto the bare defaults")
    func overridesMerge() throws {
        let rules = try load(
            """
            version: 1
            rules:
              brute_force_signature:
                threshold: 30
                severity: critical
                services:
                  payments: { threshold: 5 }
                  "legacy api":
                    enabled: false
                    window: 5m
              clock_skew:
                services: { billing: { leeway: 5m } }
            """)
        let brute = rules.settings(.bruteForceSignature)
        #expect(brute.base.threshold == 30)
        #expect(Set(brute.services.keys) == ["payments", "legacy api"])
        var payments = brute.base
        payments.threshold = 5
        #expect(brute.parameters(for: "payments") == payments)
        #expect(brute.parameters(for: "payments").severity == .critical)
        var legacy = brute.base
        legacy.enabled = false
        legacy.window = 5 * minute
        #expect(brute.parameters(for: "legacy api") == legacy)
        #expect(brute.parameters(for: "checkout") == brute.base)
        #expect(rules.settings(.clockSkew).parameters(for: "billing").leeway == 5 * minute)
        #expect(rules.settings(.clockSkew).base.leeway == minute)
        #expect(
            RulesFile.summary(of: rules, path: "r.yaml")
                == "r.yaml: ok (18 of 18 built-in rules enabled, 3 service overrides, 0 custom rules)")
    }

    @Test("a rule disabled everywhere but one service still counts as enabled in the summary")
    func summaryCounts() throws {
        let rules = try load(
            """
            version: 1
            rules:
              token_spray: { enabled: false, services: { payments: { enabled: true } } }
              key_probe: { enabled: false }
            custom:
              - { id: many, type: threshold, match: { outcome: rejected }, threshold: 9, window: 1m, severity: low }
            """)
        #expect(
            RulesFile.summary(of: rules, path: "r.yaml")
                == "r.yaml: ok (17 of 18 built-in rules enabled, 1 service override, 1 custom rule)")
    }
}

@Suite("Rules file: custom rules")
struct CustomRuleTests {
    @Test("a threshold rule keeps its matcher, group, distinct field, window, severity and tags")
    func threshold() throws {
        let rules = try load(
            """
            version: 1
            custom:
              - id: admin_scope_failures
                type: threshold
                description: Rejected admin tokens
                match: { outcome: rejected, scope: admin, reason: [bad_signature, expired], not: { service: test } }
                group_by: [client_ip]
                threshold: 5
                distinct: sub
                window: 5m
                severity: medium
                mitre: [T1110, T1110.003]
                compliance: ["pci-dss:10.2.1.4"]
                suppression: 30m
            """)
        let expected = CustomRule(
            id: "admin_scope_failures", severity: .medium,
            logic: .threshold(
                match: EventMatcher([
                    .init(field: .outcome, values: ["rejected"]), .init(field: .scope, values: ["admin"]),
                    .init(field: .reason, values: ["bad_signature", "expired"]),
                    .init(field: .service, values: ["test"], negated: true),
                ]),
                threshold: 5, distinct: .sub),
            groupBy: [.clientIP], window: 5 * minute, suppression: 30 * minute, techniques: ["T1110", "T1110.003"],
            tags: ["pci-dss:10.2.1.4"], description: "Rejected admin tokens")
        #expect(rules.custom == [expected])
    }

    @Test("a sequence rule and an absence rule keep first, then and the join fields; suppression defaults to 15m")
    func sequenceAndAbsence() throws {
        let rules = try load(
            """
            version: 1
            custom:
              - id: revoked_then_accepted
                type: sequence
                first: { kind: revoke }
                then: { kind: validate, outcome: accepted }
                group_by: [family, sub]
                window: 1h
                severity: high
              - id: issued_never_used
                type: absence
                first: { kind: issue, token_type: refresh }
                then:
                  kind: validate
                  token_type: refresh
                group_by: [family]
                window: 1h
                severity: low
            """)
        let revoke = EventMatcher([.init(field: .kind, values: ["revoke"])])
        let accepted = EventMatcher([
            .init(field: .kind, values: ["validate"]), .init(field: .outcome, values: ["accepted"]),
        ])
        let issue = EventMatcher([
            .init(field: .kind, values: ["issue"]), .init(field: .tokenType, values: ["refresh"]),
        ])
        let used = EventMatcher([
            .init(field: .kind, values: ["validate"]), .init(field: .tokenType, values: ["refresh"]),
        ])
        #expect(
            rules.custom == [
                CustomRule(
                    id: "revoked_then_accepted", severity: .high, logic: .sequence(first: revoke, then: accepted),
                    groupBy: [.family, .sub], window: 60 * minute),
                CustomRule(
                    id: "issued_never_used", severity: .low, logic: .absence(first: issue, then: used),
                    groupBy: [.family], window: 60 * minute),
            ])
        #expect(rules.custom[0].suppression == 15 * minute)
    }
}

@Suite("Rules file: problems")
struct RulesProblemTests {
    @Test("one load reports every problem of the file, each with its line and field path, in line order")
    func manyProblems() {
        let text = """
            version: 1
            lateness: soon
            rules:
              brute_force_signature:
                threshold: 0
                leeway: 30s
                services:
                  payments:
                    threshold: many
                  payments: { window: 1m }
              token_spary: { enabled: false }
            custom:
              - id: alg_confusion
                type: threshold
                match: {}
                threshold: 3
                window: 5m
                severity: urgent
              - id: odd
                type: absence
                first: { kind: issue }
                then: { colour: red }
                window: 1h
                severity: low
            extra: true
            """
        #expect(
            located(text) == [
                "2 lateness",
                "5 rules.brute_force_signature.threshold",
                "6 rules.brute_force_signature.leeway",
                "9 rules.brute_force_signature.services.payments.threshold",
                "10 rules.brute_force_signature.services.payments",
                "11 rules.token_spary",
                "13 custom[0].id",
                "15 custom[0].match",
                "18 custom[0].severity",
                "19 custom[1].group_by",
                "22 custom[1].then.colour",
                "25 extra",
            ])
        let descriptions = problems(text).map(\.description)
        #expect(
            descriptions.contains(
                "r.yaml:9: field rules.brute_force_signature.services.payments.threshold: "
                    + "must be a whole number, got \"many\""))
        #expect(
            descriptions.contains(
                "r.yaml:10: field rules.brute_force_signature.services.payments: repeated key (first at line 8)"))
        #expect(throws: RulesFileError.self) { try load(text) }
    }

    @Test(
        "each kind of mistake is refused with its line, field and reason",
        arguments: [
            // Top level.
            ("version: 2", 1, "version", "must be 1"),
            ("rules: {}", 1, "version", "missing"),
            ("version: 1\nretention: 3", 2, "retention", "unknown field"),
            ("version: 1\nlateness: -5", 2, "lateness", "must not be negative"),
            ("version: 1\nrules: [a]", 2, "rules", "must be a mapping"),
            ("version: 1\ncustom: {}", 2, "custom", "must be a list"),
            // Built-in rules.
            ("version: 1\nrules:\n  brute_force: {}", 3, "rules.brute_force", "did you mean brute_force_signature?"),
            (
                "version: 1\nrules:\n  alg_none_attempt: { threshold: 3 }", 3, "rules.alg_none_attempt.threshold",
                "alg_none_attempt takes enabled, severity, suppression, services"
            ),
            ("version: 1\nrules:\n  key_probe: { threshold: -2 }", 3, "rules.key_probe.threshold", "at least 1"),
            ("version: 1\nrules:\n  key_probe: { threshold: \"20\" }", 3, "rules.key_probe.threshold", "whole number"),
            ("version: 1\nrules:\n  key_probe: { threshold: 2.5 }", 3, "rules.key_probe.threshold", "whole number"),
            ("version: 1\nrules:\n  key_probe: { window: 0 }", 3, "rules.key_probe.window", "longer than 0"),
            ("version: 1\nrules:\n  key_probe: { window: 5 min }", 3, "rules.key_probe.window", "a duration"),
            ("version: 1\nrules:\n  key_probe: { window: 400d }", 3, "rules.key_probe.window", "at most 365d"),
            (
                "version: 1\nrules:\n  key_probe: { window: 99999999999999999999s }", 3, "rules.key_probe.window",
                "at most 365d"
            ),
            (
                "version: 1\nrules:\n  key_probe: { severity: urgent }", 3, "rules.key_probe.severity",
                "low, medium, high or critical"
            ),
            ("version: 1\nrules:\n  key_probe: { enabled: yes }", 3, "rules.key_probe.enabled", "true or false"),
            ("version: 1\nrules:\n  key_probe: 5", 3, "rules.key_probe", "must be a mapping"),
            (
                "version: 1\nrules:\n  validator_misconfig: { max_lifetime: never }", 3,
                "rules.validator_misconfig.max_lifetime", "or none"
            ),
            (
                "version: 1\nrules:\n  failure_rate_spike: { z_score: -1 }", 3, "rules.failure_rate_spike.z_score",
                "above 0"
            ),
            (
                "version: 1\nrules:\n  header_injection: { allowed_url_prefixes: [\"https://a.example.com\"] }", 3,
                "rules.header_injection.allowed_url_prefixes[0]", "must end its host with /"
            ),
            (
                "version: 1\nrules:\n  retired_key: { retired_kids: [\"\"] }", 3, "rules.retired_key.retired_kids[0]",
                "must not be empty"
            ),
            (
                "version: 1\nrules:\n  retired_key: { retired_kids: 2023-rsa }", 3, "rules.retired_key.retired_kids",
                "must be a list"
            ),
            (
                "version: 1\nrules:\n  key_probe:\n    services:\n      a: { services: {} }", 5,
                "rules.key_probe.services.a.services", "unknown field"
            ),
            (
                "version: 1\nrules:\n  key_probe:\n    services:\n      \"\": { threshold: 3 }", 5,
                "rules.key_probe.services.", "must not be empty"
            ),
            // Custom rules.
            (
                threshold("match: { sub: a }, threshold: 2", id: "token_spray"), 3, "custom[0].id",
                "is a built-in rule id"
            ),
            (threshold("match: { sub: a }, threshold: 2", id: "A-1"), 3, "custom[0].id", "lowercase letters"),
            (
                custom("id: a, type: counter, window: 1m, severity: low"), 3, "custom[0].type",
                "threshold, sequence or absence"
            ),
            (
                custom("id: a, type: threshold, match: { sub: a }, threshold: 2, severity: low"), 3, "custom[0].window",
                "missing"
            ),
            (threshold("match: { sub: a }"), 3, "custom[0].threshold", "missing"),
            (threshold("match: { sub: a }, threshold: 0"), 3, "custom[0].threshold", "at least 1"),
            (threshold("match: {}, threshold: 2"), 3, "custom[0].match", "at least one field"),
            (threshold("match: { subject: a }, threshold: 2"), 3, "custom[0].match.subject", "unknown event field"),
            (threshold("match: { outcome: denied }, threshold: 2"), 3, "custom[0].match.outcome", "accepted, rejected"),
            (threshold("match: { sub: [] }, threshold: 2"), 3, "custom[0].match.sub", "at least one value"),
            (threshold("match: { not: {} }, threshold: 2"), 3, "custom[0].match.not", "at least one field"),
            (
                threshold("match: { sub: a }, group_by: [sub], distinct: sub, threshold: 2"), 3, "custom[0].distinct",
                "also in group_by"
            ),
            (
                threshold("match: { sub: a }, group_by: [clientip], threshold: 2"), 3, "custom[0].group_by[0]",
                "did you mean client_ip?"
            ),
            (
                threshold("match: { sub: a }, first: { sub: a }, threshold: 2"), 3, "custom[0].first",
                "not a field of threshold rules"
            ),
            (threshold("match: { sub: a }, threshold: 2, mitre: [1110]"), 3, "custom[0].mitre[0]", "technique id"),
            (
                threshold("match: { sub: a }, threshold: 2, compliance: [pci]"), 3, "custom[0].compliance[0]",
                "framework:requirement"
            ),
            (
                custom("id: a, type: sequence, first: { kind: issue }, window: 1m, severity: low, group_by: [sub]"), 3,
                "custom[0].then", "missing"
            ),
            (
                custom(
                    "id: a, type: sequence, first: { kind: issue }, then: { kind: rotate }, window: 1m, severity: low"),
                3, "custom[0].group_by", "missing"
            ),
            (
                custom(
                    "id: a, type: absence, first: { kind: issue }, then: { kind: revoke }, window: 1m, group_by: [sub]"),
                3, "custom[0].severity", "missing"
            ),
            (
                custom(
                    "id: a, type: absence, first: { kind: issue }, then: { kind: issue }, group_by: [sub], window: 1m,"
                        + " severity: low"), 3, "custom[0].then", "the same as first"
            ),
            (
                custom(
                    "id: a, type: absence, first: { kind: issue }, then: { kind: revoke }, group_by: [], window: 1m,"
                        + " severity: low"), 3, "custom[0].group_by", "at least one field"
            ),
            (
                threshold("match: { sub: a }, threshold: 2") + "\n"
                    + threshold("match: { sub: b }, threshold: 2")
                    .replacingOccurrences(of: "version: 1\ncustom:\n", with: ""),
                4, "custom[1].id", "repeats the id of custom[0].id (line 3)"
            ),
            // YAML itself.
            (
                "version: 1\nrules:\n  key_probe: &p { threshold: 3 }\n  token_spray: *p", 4, "rules.token_spray",
                "aliases are not supported"
            ),
        ] as [(String, Int, String, String)])
    func refusal(text: String, line: Int, field: String, message: String) throws {
        let found = problems(text)
        let problem = try #require(found.first, "nothing refused in:\n\(text)")
        #expect(found.count == 1, "\(found)")
        #expect(problem.line == line)
        #expect(problem.field == field)
        #expect(problem.message.contains(message), "\(problem.message)")
    }

    @Test("every repeated key is reported at its own line, and the rest of the file is still checked")
    func repeatedKeys() {
        let text = """
            version: 1
            rules:
              key_probe:
                threshold: 5
                threshold: 6
              key_probe: {}
              token_spray: { window: 1m, window: 2m, threshold: 0 }
            """
        #expect(
            located(text) == [
                "5 rules.key_probe.threshold", "6 rules.key_probe", "7 rules.token_spray.window",
                "7 rules.token_spray.threshold",
            ])
        #expect(problems(text)[0].message == "repeated key (first at line 4)")
    }

    @Test("a file that is not YAML is one problem with its line and no field")
    func invalidYAML() throws {
        let found = problems("version: 1\nrules:\n  key_probe:\n    threshold: 5\n   window: 3m\n")
        #expect(found.count == 1)
        #expect(found.first?.line == 5)
        #expect(found.first?.field == nil)
        #expect(found.first?.description.hasPrefix("r.yaml:5: invalid YAML: ") == true)
    }

    @Test("an empty file is refused for its missing version; a missing file has no line")
    func emptyAndMissing() throws {
        #expect(located("") == ["1 version"])
        #expect(located("# nothing\n") == ["1 version"])
        let missing = RulesFile.check(path: "/nonexistent/rules.yaml")
        #expect(missing.map(\.description) == ["/nonexistent/rules.yaml: cannot read the file"])
    }

    @Test("a custom rule may leave out group_by when it is a threshold rule, and null collections count as empty")
    func optionalParts() throws {
        let rules = try load(
            """
            version: 1
            rules:
              key_probe:
            custom:
              - id: all_rejections
                type: threshold
                match: { outcome: rejected }
                threshold: 1000
                window: 1m
                severity: medium
            """)
        #expect(rules.settings(.keyProbe) == RuleSet.defaults.settings(.keyProbe))
        #expect(rules.custom.first?.groupBy == [])
    }
}
