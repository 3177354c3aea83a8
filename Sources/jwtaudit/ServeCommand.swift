import ArgumentParser
import Glibc
import JWTAuditCollector
import Logging
import ServiceLifecycle

struct ServeCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve",
        abstract: "Run the daemon: collect events on the Unix socket and store them.")

    @Option(help: "JSON configuration file (see docs/configuration.md).")
    var config: String?

    @Option(help: "Unix socket path (default ./jwtaudit.sock).")
    var socket: String?

    @Option(help: "Data folder (default ./jwtaudit-data).")
    var data: String?

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func run() async throws {
        var configuration = CollectorConfiguration()
        if let config {
            do {
                configuration = try ConfigurationFile.load(config)
            } catch {
                throw ValidationError("\(error)")
            }
        }
        if let socket { configuration.socketPath = socket }
        if let data { configuration.dataPath = data }

        let level = logLevel
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "jwtaudit")
        umask(0o077)  // store files are the daemon's alone; the socket is set to 0660 explicitly
        let collector: CollectorService
        do {
            collector = try CollectorService(configuration: configuration, logger: logger)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: [.init(service: collector)],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
