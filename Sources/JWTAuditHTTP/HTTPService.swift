import Hummingbird
import JWTAuditAccess
import JWTAuditStore
import Logging
import NIOCore
import ServiceLifecycle

/// The HTTP API as a service of the daemon: alerts, triage, events, statistics and `/metrics`,
/// behind API tokens. Logs `http listening` with `http.address` (the bound port, when 0 was asked).
public struct HTTPService: Service {
    private let configuration: HTTPConfiguration
    private var routes: APIRoutes
    private let logger: Logger

    /// A service over the data folder `directory`; `tokens` checks bearer tokens and records failed
    /// attempts; `metrics` renders `/metrics` (nil: no such route).
    public init(
        configuration: HTTPConfiguration, directory: DataDirectory, tokens: APITokenStore,
        accessCounters: AccessCounters, metrics: (@Sendable () -> [UInt8])?, logger: Logger,
        forget: ForgetHandler? = nil
    ) {
        self.configuration = configuration
        self.logger = logger
        routes = APIRoutes(
            directory: directory, alerts: AlertAccess(directory: directory),
            authenticator: APIAuthenticator(
                store: tokens, counters: accessCounters, failuresPerMinute: configuration.failuresPerMinute,
                logger: logger),
            metrics: metrics, metricsWithoutTokenOnLoopback: configuration.metricsWithoutTokenOnLoopback,
            logger: logger, forget: forget)
        routes.reportContext = (configuration.retentionPolicyPath, configuration.checkpointFile)
    }

    public func run() async throws {
        let router = Router(context: APIRequestContext.self)
        routes.add(to: router)
        WebRoutes.add(to: router)
        let logger = logger
        if !APIRequestContext.isLoopback(configuration.host) && configuration.host != "localhost" {
            logger.warning(
                "the HTTP API listens beyond loopback: put TLS in front of it",
                metadata: ["http.host": "\(configuration.host)"])
        }
        var serverLogger = logger
        serverLogger.logLevel = max(logger.logLevel, .notice)
        let application = Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in
                let address = channel.localAddress
                let host = address?.ipAddress ?? "?"
                let shown = host.contains(":") ? "[\(host)]" : host
                logger.info("http listening", metadata: ["http.address": "\(shown):\(address?.port ?? 0)"])
            },
            logger: serverLogger)
        try await application.run()
    }
}
