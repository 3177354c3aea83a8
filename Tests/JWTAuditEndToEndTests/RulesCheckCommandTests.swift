import Foundation
import JWTAuditTesting
import Testing

@Suite("jwtaudit rules check")
struct RulesCheckCommandTests {
    /// The repository's rules.yaml, found from this file.
    static let shippedRules = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("rules.yaml").path

    @Test("the shipped rules.yaml passes: exit 0 and one summary line")
    func shippedFile() throws {
        let result = try DaemonHarness.run(["rules", "check", Self.shippedRules])
        #expect(result.status == 0)
        #expect(
            result.output
                == "\(Self.shippedRules): ok (18 of 18 built-in rules enabled, 0 service overrides, 0 custom rules)\n")
    }

    @Test("a file with overrides and custom rules is summarised with their counts")
    func summary() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("rules.yaml")
        try """
        version: 1
        rules:
          token_spray: { enabled: false }
          brute_force_signature:
            services:
              payments: { threshold: 5 }
              checkout: { window: 2m }
        custom:
          - id: admin_failures
            type: threshold
            match: { outcome: rejected, scope: admin }
            group_by: [client_ip]
            threshold: 5
            window: 5m
            severity: medium
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try DaemonHarness.run(["rules", "check", path])
        #expect(result.status == 0)
        #expect(result.output == "\(path): ok (17 of 18 built-in rules enabled, 2 service overrides, 1 custom rule)\n")
    }

    @Test("a bad file prints every problem as FILE:LINE: field PATH: message and exits 1")
    func badFile() throws {
        let folder = try TemporaryDirectory()
        let path = folder.file("bad.yaml")
        try """
        version: 1
        rules:
          brute_force_signature:
            services:
              payments: { threshold: 0 }
          key_probe: { window: soon }
        custom:
          - id: token_spray
            type: threshold
            match: { outcome: rejected }
            threshold: 5
            window: 5m
            severity: medium
        """.write(toFile: path, atomically: true, encoding: .utf8)
        let result = try DaemonHarness.run(["rules", "check", path])
        #expect(result.status == 1)
        #expect(
            result.output.split(separator: "\n") == [
                "\(path):5: field rules.brute_force_signature.services.payments.threshold: must be at least 1, got 0",
                "\(path):6: field rules.key_probe.window: "
                    + "must be a duration such as 30s, 5m, 2h or 7d (or whole seconds), got \"soon\"",
                "\(path):8: field custom[0].id: \"token_spray\" is a built-in rule id; a custom rule needs its own",
            ])
    }

    @Test("a missing file or a file that is not YAML exits 1 with one line")
    func unreadable() throws {
        let folder = try TemporaryDirectory()
        let missing = try DaemonHarness.run(["rules", "check", folder.file("none.yaml")])
        #expect(missing.status == 1)
        #expect(missing.output == "\(folder.file("none.yaml")): cannot read the file\n")

        let path = folder.file("broken.yaml")
        try "version: 1\nrules: { key_probe: [\n".write(toFile: path, atomically: true, encoding: .utf8)
        let broken = try DaemonHarness.run(["rules", "check", path])
        #expect(broken.status == 1)
        #expect(broken.output.hasPrefix("\(path):3: invalid YAML: "))
        #expect(broken.output.split(separator: "\n").count == 1)
    }

    @Test("rules without a subcommand shows the check subcommand in its help")
    func group() throws {
        let result = try DaemonHarness.run(["rules", "--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("check"))
    }
}
