import ArgumentParser
import Foundation
import JWTAuditAlerting
import JWTAuditDetection
import JWTAuditRules
import JWTAuditStore

/// `jwtaudit rules`: work with the detection rules file (`rules.yaml`).
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Work with the detection rules file (see docs/rules.md).",
        subcommands: [Check.self, Test.self])

    /// `jwtaudit rules check FILE`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Report every problem in a rules file; exit 1 if there is any.",
            discussion: """
                Each problem is printed as FILE:LINE: field PATH: message. A good file prints one line: \
                how many built-in rules are enabled, how many per-service overrides and custom rules it has.
                """)

        @Argument(help: "The rules file, such as rules.yaml.")
        var file: String

        func run() throws {
            do {
                let rules = try RulesFile.load(path: file)
                print(RulesFile.summary(of: rules, path: file))
            } catch {
                for problem in error.problems {
                    print(problem.description)
                }
                throw ExitCode(1)
            }
        }
    }
}

extension RulesCommand {
    /// `jwtaudit rules test FILE --data DIR [--from T] [--to T]`.
    struct Test: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "test",
            abstract: "Backtest: replay stored events through a rules file and print the alerts it would raise.",
            discussion: """
                Reads the data folder only (it works while the daemon runs); raises nothing and calls no \
                output. Alerts are folded exactly as the daemon folds them. The refresh-token ledger starts \
                empty at --from, so reuse of a token issued before the range is not seen.
                """)

        @Argument(help: "The rules file to try.")
        var file: String

        @Option(help: "Data folder.")
        var data: String = "./jwtaudit-data"

        @OptionGroup var range: TimeRangeOptions

        @Option(help: "ndjson, json or table.")
        var format: OutputFormat = .table

        func run() throws {
            let rules: RuleSet
            do {
                rules = try RulesFile.load(path: file)
            } catch {
                for problem in error.problems { print(problem.description) }
                throw ExitCode(1)
            }
            let (from, to) = try range.resolve(now: currentMicros())
            let result = try Backtest.run(rules: rules, directory: DataDirectory(root: data), from: from, to: to)
            AlertsCommand.render(result.alerts, format: format)
            var bySeverity: [Severity: Int] = [:]
            for alert in result.alerts { bySeverity[alert.severity, default: 0] += 1 }
            let counts = Severity.allCases.reversed().map { "\(bySeverity[$0] ?? 0) \($0.name)" }.joined(separator: ", ")
            FileHandle.standardError.write(
                Data("replayed \(result.events) events: \(result.alerts.count) alerts would be raised (\(counts))\n".utf8))
        }
    }
}
