import JWTAuditDetection
import Logging
import ServiceLifecycle
import UnixSignals

/// The detection pipeline as a service: started before the collector and stopped after it, so the
/// collector's last commits are still examined; reloads the rules on SIGHUP, keeping the old ones
/// when the new file is bad.
public final class DetectionService: Service, @unchecked Sendable {
    public let pipeline: DetectionPipeline
    private let loadRules: @Sendable () throws -> RuleSet
    private let logger: Logger
    private let afterStop: @Sendable () async -> Void

    /// `loadRules` reads the rules file again; its error is logged whole (it names file, line, field).
    /// `afterStop` runs once the last alerts are stored (outputs deliver what they hold).
    public init(
        pipeline: DetectionPipeline, logger: Logger, afterStop: @escaping @Sendable () async -> Void = {},
        loadRules: @escaping @Sendable () throws -> RuleSet
    ) {
        self.pipeline = pipeline
        self.logger = logger
        self.afterStop = afterStop
        self.loadRules = loadRules
    }

    public func run() async throws {
        pipeline.start()
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        for await _ in hangups.cancelOnGracefulShutdown() {
            do {
                pipeline.reload(try loadRules())
                logger.notice("rules reloaded")
            } catch {
                logger.error("rules not reloaded; the old rules stay in force", metadata: ["error": "\(error)"])
            }
        }
        pipeline.stop()
        await afterStop()
        logger.info("detection stopped", metadata: ["alerts.published": "\(pipeline.statistics.alertsPublished)"])
    }
}
