import ArgumentParser

@main
struct JWTAuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "jwtaudit",
        abstract: "Audit logging and monitoring for JWT validation events.",
        subcommands: [
            ServeCommand.self, SendCommand.self, SearchCommand.self, StatsCommand.self, QuarantineCommand.self,
            RetentionCommand.self, RulesCommand.self, LoadgenCommand.self, BenchCommand.self, AlertsCommand.self,
            TokensCommand.self, DemoCommand.self,
            VerifyCommand.self, ProveCommand.self, VerifyProofCommand.self, KeysCommand.self,
            ForgetCommand.self,
            ReportCommand.self, VerifyReportCommand.self,
        ]
    )
}
