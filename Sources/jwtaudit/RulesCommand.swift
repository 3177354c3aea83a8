import ArgumentParser
import JWTAuditRules

/// `jwtaudit rules`: work with the detection rules file (`rules.yaml`).
struct RulesCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rules",
        abstract: "Work with the detection rules file (see docs/rules.md).",
        subcommands: [Check.self])

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
