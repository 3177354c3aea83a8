import ArgumentParser
import JWTAuditRetention

/// `jwtaudit retention`: work with the retention policy (`retention.json`).
struct RetentionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "retention",
        abstract: "Check the retention policy (see docs/retention.md).",
        subcommands: [Check.self])

    /// `jwtaudit retention check FILE`.
    struct Check: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "check",
            abstract: "Report every problem in a retention policy file; exit 1 if any is an error.",
            discussion: """
                Each problem is printed as FILE:LINE: field PATH: message (warnings as \
                FILE:LINE: warning: field PATH: message). A policy below the minimum of a framework it \
                names is an error. Warnings alone exit 0.
                """)

        @Argument(help: "The policy file, such as retention.json.")
        var file: String

        func run() throws {
            let policy: RetentionPolicy
            do {
                policy = try RetentionPolicy.load(path: file)
            } catch {
                print(error.description)
                throw ExitCode(1)
            }
            let problems = policy.check()
            for problem in problems {
                print(problem.description)
            }
            if problems.contains(where: { $0.severity == .error }) {
                throw ExitCode(1)
            }
            let warnings = problems.count
            print(policy.summary + (warnings == 0 ? "" : warnings == 1 ? ", 1 warning" : ", \(warnings) warnings"))
        }
    }
}
