import Glibc
import JWTAuditStore
import Logging
import ServiceLifecycle

/// Signs checkpoints over the store's hash chain (docs/integrity.md): every interval when blocks
/// were sealed, and once more at shutdown. Started before the collector and so stopped after it,
/// its last checkpoint covers the blocks the collector sealed as it stopped.
public final class CheckpointService: Service, @unchecked Sendable {
    private let checkpointer: Checkpointer
    private let interval: Int
    private let logger: Logger

    /// Loads (at first start, creates) the signing key of `directory`; a key file that group or
    /// others may read is refused.
    public init(directory: DataDirectory, configuration: CheckpointConfiguration, logger: Logger) throws {
        checkpointer = try Checkpointer(
            directory: directory, externalFile: configuration.filePath, now: Self.now())
        interval = configuration.intervalSeconds
        self.logger = logger
        if let problem = checkpointer.startupProblem {
            logger.critical("the store disagrees with its last checkpoint", metadata: ["problem": "\(problem)"])
        }
        logger.info(
            "checkpoints on",
            metadata: [
                "checkpoint.key_id": "\(checkpointer.publicKey.keyID)",
                "checkpoint.file": "\(configuration.filePath ?? "none")",
                "checkpoint.interval_s": "\(interval)",
            ])
    }

    /// Signs every interval until graceful shutdown, then once more.
    public func run() async throws {
        while !Task.isShuttingDownGracefully && !Task.isCancelled {
            let interval = interval
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(interval)) }
            if Task.isShuttingDownGracefully || Task.isCancelled { break }
            checkpoint(full: false)
        }
        checkpoint(full: true)
    }

    private func checkpoint(full: Bool) {
        do {
            if let checkpoint = try checkpointer.checkpoint(now: Self.now(), full: full) {
                logger.debug("checkpoint signed", metadata: ["checkpoint.tree_size": "\(checkpoint.treeSize)"])
            }
        } catch {
            logger.error("checkpoint failed", metadata: ["error": "\(error)"])
        }
    }

    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}
