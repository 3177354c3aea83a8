import ArgumentParser
import Foundation
import Glibc
import JWTAuditRetention
import JWTAuditCollector
import JWTAuditHTTP
import JWTAuditMetrics
import JWTAuditOutputs
import JWTAuditServer
import JWTAuditStore
import Logging
import Metrics
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

    @Option(help: "Retention policy (default ./retention.json when it exists). A policy with errors is refused.")
    var retention: String?

    @Option(
        help: ArgumentHelp(
            "Run the retention job every so many seconds instead of the policy's schedule (tests, benchmarks).",
            visibility: .hidden))
    var retentionIntervalSeconds: Double?

    @Option(help: "Detection rules (YAML; default ./rules.yaml when it exists, else the built-in defaults). Reloaded on SIGHUP.")
    var rules: String?

    @Option(
        help: """
            External file every signed checkpoint is appended to (default: jwtaudit-checkpoints.ndjson \
            beside the data folder).
            """)
    var checkpointFile: String?

    @Option(help: "Seconds between checkpoints, when blocks were sealed (default 60; one is also signed at shutdown).")
    var checkpointInterval: Int = 60

    @Flag(inversion: .prefixedNo, help: "Run detection (off only to measure what it costs).")
    var detection = true

    @Option(
        help: """
            HTTP API address ADDR:PORT, or off (default 127.0.0.1:8088; port 0 picks a free port, logged as \
            http.address). API tokens: jwtaudit tokens create.
            """)
    var http = "127.0.0.1:8088"

    @Flag(help: "Serve /metrics without a token to clients on a loopback address (others still need one).")
    var metricsWithoutTokenOnLoopback = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: Logger.Level = .info

    func validate() throws {
        guard checkpointInterval >= 1 && checkpointInterval <= 86_400 else {
            throw ValidationError("--checkpoint-interval must be from 1 to 86400 seconds")
        }
    }

    func run() async throws {
        var configuration = CollectorConfiguration()
        var outputs: [OutputConfiguration] = []
        if let config {
            do {
                let loaded = try ConfigurationFile.load(config, sections: ["outputs"])
                configuration = loaded.configuration
                if let section = loaded.sections["outputs"] { outputs = try OutputConfiguration.parse(section, path: config) }
            } catch {
                throw ValidationError("\(error)")
            }
        }
        let listen: (host: String, port: Int)?
        do {
            listen = try HTTPConfiguration.parseListen(http)
        } catch {
            throw ValidationError("--http: \(error)")
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
        let retentionPolicy = try checkRetentionPolicy(logger: logger)
        configuration.pseudonymFields = pseudonymFields()
        umask(0o077)  // store files are the daemon's alone; the socket is set to 0660 explicitly
        var options = DaemonOptions(collector: configuration, rulesPath: rulesPath(logger: logger))
        options.detection = detection
        if let retentionPolicy {
            var retention = RetentionService.Options(policy: retentionPolicy)
            retention.intervalOverride = retentionIntervalSeconds
            options.retention = retention
        }
        options.outputs = outputs
        options.http = listen.map {
            HTTPConfiguration(host: $0.host, port: $0.port, metricsWithoutTokenOnLoopback: metricsWithoutTokenOnLoopback)
        }
        let metrics = CatalogMetricsFactory()
        MetricsSystem.bootstrap(metrics)
        options.metricsFactory = metrics
        options.checkpoints.intervalSeconds = checkpointInterval
        options.checkpoints.filePath =
            checkpointFile ?? CheckpointFile.defaultPath(besideDataFolder: configuration.dataPath)
        options.http?.retentionPolicyPath =
            retention ?? (FileManager.default.fileExists(atPath: "retention.json") ? "retention.json" : nil)
        options.http?.checkpointFile = options.checkpoints.filePath
        let services: [any Service]
        do {
            services = try Daemon.services(options, logger: logger)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }
        let group = ServiceGroup(
            configuration: .init(
                services: services.map { .init(service: $0) },
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await group.run()
    }
}

extension ServeCommand {
    /// `--rules`, else `./rules.yaml` when it exists, else none (built-in defaults).
    private func rulesPath(logger: Logger) -> String? {
        if let rules { return rules }
        if FileManager.default.fileExists(atPath: "rules.yaml") { return "rules.yaml" }
        logger.notice("no rules file (no ./rules.yaml and no --rules): the built-in rules run with their defaults")
        return nil
    }

    /// Refuses to start with a retention policy that has errors (below a named framework's
    /// minimum, or malformed); its warnings are logged. Returns the policy the daemon runs, if any.
    private func checkRetentionPolicy(logger: Logger) throws -> RetentionPolicy? {
        let defaultPath = "retention.json"
        guard let path = retention ?? (FileManager.default.fileExists(atPath: defaultPath) ? defaultPath : nil) else {
            logger.notice("no retention policy (no ./retention.json and no --retention): nothing will be deleted")
            return nil
        }
        let problems: [RetentionProblem]
        let policy: RetentionPolicy
        do {
            policy = try RetentionPolicy.load(path: path)
            problems = policy.check()
        } catch {
            logger.critical("cannot start: the retention policy cannot be read", metadata: ["error": "\(error)"])
            throw ExitCode(2)
        }
        for problem in problems where problem.severity != .error {
            logger.warning("retention policy: \(problem)")
        }
        let errors = problems.filter { $0.severity == .error }
        guard errors.isEmpty else {
            for problem in errors { logger.critical("retention policy: \(problem)") }
            logger.critical("cannot start: the retention policy has errors (jwtaudit retention check \(path))")
            throw ExitCode(2)
        }
        return policy
    }
}

extension Logger.Level: @retroactive ExpressibleByArgument {}
