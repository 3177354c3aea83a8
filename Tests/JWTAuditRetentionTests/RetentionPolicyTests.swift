import Foundation
import Testing

@testable import JWTAuditRetention

/// A policy file with every required key; `policies` and `frameworks` are spliced in.
private func policyText(
    frameworks: String = #"["pci-dss"]"#,
    policies: String = #"[{"name": "all", "match": {}, "online_days": 90, "keep_days": 365}]"#,
    extra: String = ""
) -> String {
    """
    {
      "version": 1,
      "frameworks": \(frameworks),
      "policies": \(policies),
      "default": {"online_days": 90, "keep_days": 365},
      "alerts": {"keep_days": 365},
      "report_exports": {"keep_days": 365},\(extra)
      "schedule": {"at": "03:00"}
    }
    """
}

private func check(_ text: String) throws -> [RetentionProblem] {
    try RetentionPolicy.parse(Array(text.utf8), file: "t.json").check()
}

private func errors(_ problems: [RetentionProblem]) -> [RetentionProblem] {
    problems.filter { $0.severity == .error }
}

@Suite("RetentionPolicy loading and checks")
struct RetentionPolicyTests {
    @Test("the shipped retention.json passes with no problems at all")
    func shippedPolicy() throws {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let path = root.appendingPathComponent("retention.json").path
        let policy = try RetentionPolicy.load(path: path)
        #expect(policy.check() == [])
        #expect(policy.frameworks == [.pciDSS, .soc2])
        #expect(policy.policies.count == 3)
        #expect(policy.summary.hasSuffix(": ok (3 policies, frameworks: pci-dss, soc2)"))
    }

    @Test("a PCI DSS policy kept 300 days is refused, naming the field, its line and the 365-day minimum")
    func pciKeep() throws {
        let problems = try check(
            policyText(policies: """
                [
                    {"name": "a", "match": {"outcome": "accepted"}, "online_days": 90, "keep_days": 400},
                    {"name": "b", "match": {},
                     "online_days": 90, "keep_days": 300}
                  ]
                """))
        let problem = try #require(errors(problems).first)
        #expect(errors(problems).count == 1)
        #expect(problem.field == "policies[1].keep_days")
        #expect(problem.line == 7)
        #expect(problem.message.contains("365"))
        #expect(problem.message.contains("PCI DSS"))
        #expect(problem.description.hasPrefix("t.json:7: field policies[1].keep_days: keep_days 300 is below"))
    }

    @Test("online_days 30 under PCI DSS is refused with the 90-day minimum")
    func pciOnline() throws {
        let problems = try check(
            policyText(policies: #"[{"name": "a", "match": {}, "online_days": 30, "keep_days": 365}]"#))
        let problem = try #require(errors(problems).first)
        #expect(errors(problems).count == 1)
        #expect(problem.field == "policies[0].online_days")
        #expect(problem.message.contains("90"))
    }

    @Test("several problems are reported at once, each with its own line")
    func severalAtOnce() throws {
        let text = """
            {
              "version": 2,
              "frameworks": ["pci-dss", "iso27001"],
              "policies": [
                {"name": "x", "match": {"outcome": "maybe"}, "online_days": 400, "keep_days": 365},
                {"name": "x", "match": {}, "online_days": -1, "keep_days": 365}, {"name": "z", "match": {},
                 "online_days": 90, "keep_days": 365}
              ],
              "default": {"online_days": 90, "keep_days": "365"},
              "alerts": {"keep_days": 365},
              "report_exports": {"keep_days": 365},
              "legal_holds": [
                {"id": "H1", "reason": "case 1", "from": "2026-13-01T00:00:00Z"},
                {"id": "H1", "reason": "case 2", "sub": "u", "from": "2026-02-01T00:00:00Z",
                 "to": "2026-01-01T00:00:00Z"}
              ],
              "schedule": {"every_minutes": 60, "at": "03:00"}
            }
            """
        let found = try check(text).map { "\($0.line) \($0.field)" }
        #expect(
            found == [
                "2 version",
                "3 frameworks[1]",
                "5 policies[0].match.outcome",
                "5 policies[0].online_days",
                "6 policies[1].name",
                "6 policies[1].online_days",
                "6 policies[2]",
                "9 default.keep_days",
                "13 legal_holds[0].from",
                "14 legal_holds[1].id",
                "15 legal_holds[1].to",
                "17 schedule.at",
            ])
    }

    @Test("unknown and repeated keys are refused")
    func unknownKey() throws {
        let problems = try check(
            policyText(policies: """
                [{"name": "a", "match": {"outcom": "rejected"}, "online_days": 90, "keep_days": 365,
                  "keep_days": 400}]
                """, extra: #"\#n  "retention_days": 30,"#))
        let fields = problems.map { "\($0.line) \($0.field) \($0.severity)" }
        #expect(fields == ["4 policies[0].match.outcom error", "5 policies[0].keep_days error", "9 retention_days error"])
        #expect(problems[0].message.contains("unknown key 'outcom'"))
    }

    @Test("missing required keys name the field and the enclosing object's line")
    func missingKeys() throws {
        let problems = try check(#"{"version": 1, "frameworks": [], "alerts": {}}"#)
        #expect(problems.map(\.field) == ["default", "alerts.keep_days", "report_exports"])
        #expect(problems.allSatisfy { $0.line == 1 && $0.message == "is required" })
    }

    @Test("SOX requires 2555 days for events and report exports")
    func soxMinimum() throws {
        let text = policyText(
            frameworks: #"["sox"]"#,
            policies: #"[{"name": "a", "match": {}, "online_days": 90, "keep_days": 2555}]"#)
        let fields = errors(try check(text)).map(\.field)
        #expect(fields == ["default.keep_days", "report_exports.keep_days"])
        #expect(errors(try check(text)).allSatisfy { $0.message.contains("2555") && $0.message.contains("SOX") })
    }

    @Test("HIPAA refuses short report exports and only recommends six years for events")
    func hipaa() throws {
        let problems = try check(policyText(frameworks: #"["hipaa"]"#))
        #expect(errors(problems).map(\.field) == ["report_exports.keep_days"])
        #expect(problems.filter { $0.severity == .warning }.map(\.field).contains("default.keep_days"))
    }

    @Test("GDPR warns, never refuses, about long clear-text storage; pseudonymisation silences it")
    func gdprWarning() throws {
        let long = #"[{"name": "a", "match": {}, "online_days": 90, "keep_days": 2555}]"#
        let problems = try check(policyText(frameworks: #"["gdpr"]"#, policies: long))
        #expect(errors(problems).isEmpty)
        let warning = try #require(problems.first)
        #expect(problems.count == 1)
        #expect(warning.severity == .warning)
        #expect(warning.field == "policies[0].keep_days")
        #expect(warning.description.hasPrefix("t.json:4: warning: field policies[0].keep_days:"))
        let pseudonymised = policyText(
            frameworks: #"["gdpr"]"#, policies: long,
            extra: #"\#n  "pseudonymisation": {"enabled": true, "fields": ["sub", "client_ip"]},"#)
        #expect(try check(pseudonymised) == [])
    }

    @Test("a file that is not JSON throws with its line")
    func syntax() throws {
        #expect(throws: RetentionPolicyError.self) {
            try RetentionPolicy.parse(Array("{\n\"version\": 1,\n}".utf8), file: "t.json")
        }
        do {
            _ = try RetentionPolicy.parse(Array("{\n\"version\": 1,\n}".utf8), file: "t.json")
        } catch {
            #expect(error.line == 3)
            #expect(error.code == .invalidJSON)
        }
    }
}
