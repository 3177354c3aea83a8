import Foundation
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle

/// The collector as a service: listens on the Unix socket, runs the writer thread, and on
/// graceful shutdown (SIGTERM, SIGINT) stops accepting, drains, commits, acknowledges, exits.
public final class CollectorService: Service, @unchecked Sendable {
    public let configuration: CollectorConfiguration
    /// Running totals, for logs, metrics and tests.
    public let counters = CollectorCounters()
    private let logger: Logger
    private let directory: DataDirectory
    private let pipeline: IngestPipeline
    private let fingerprinter: TokenFingerprinter
    private let registry: ConnectionRegistry
    private let dataLock: DataFolderLock

    /// Opens the store (creating it on first start) and checks the socket path; listening starts
    /// in ``run()``.
    /// `onCommit` sees every committed group of events after it was acknowledged, on the writer
    /// thread: detection hangs off it, and blocking in it slows ingest (backpressure, not loss).
    public init(configuration: CollectorConfiguration, logger: Logger, onCommit: CommitObserver? = nil) throws {
        self.configuration = configuration
        self.logger = logger
        directory = DataDirectory(root: configuration.dataPath)
        try directory.prepare()
        dataLock = try DataFolderLock(directory: directory)
        fingerprinter = TokenFingerprinter(secret: try StoreSecret.tokenFingerprintKey(in: directory))
        let writer = try EventWriter(directory: directory, configuration: configuration.store)
        let quarantine = try QuarantineStore(directory: directory, capacity: configuration.quarantineCapacity)
        let fields = configuration.pseudonymFields
        let pseudonymiser = try fields.isEmpty
            ? nil : Pseudonymiser(directory: directory, fields: fields, now: IngestPipeline.now())
        let registry = ConnectionRegistry()
        self.registry = registry
        pipeline = try IngestPipeline(
            writer: writer, quarantine: quarantine, counters: counters, logger: logger, onCommit: onCommit,
            pseudonymiser: pseudonymiser, onStorageUnavailable: { Self.tellStorageUnavailable(registry) })
        try SocketPathGuard.prepare(configuration.socketPath)
        if !configuration.pseudonymFields.isEmpty {
            logger.info(
                "pseudonymisation on: these fields are stored as pseudonyms",
                metadata: ["fields": "\(configuration.pseudonymFields.map(\.name).sorted())"])
        }
    }

    /// The event writer, reached on the writer thread between group commits (for the retention job).
    public var writerAccess: any EventWriterAccess { PipelineWriterAccess(pipeline: pipeline) }

    public func run() async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: max(1, configuration.ioThreads))
        pipeline.start()
        let server: Channel
        do {
            server = try await bootstrap(group).bind(unixDomainSocketPath: configuration.socketPath).get()
            try SocketPathGuard.secure(
                configuration.socketPath, group: configuration.socketGroup, mode: configuration.socketMode)
        } catch {
            await stopPipeline()
            try? await group.shutdownGracefully()
            throw error
        }
        logger.info(
            "listening",
            metadata: ["socket": "\(configuration.socketPath)", "data": "\(configuration.dataPath)"])

        try? await gracefulShutdown()

        logger.info("shutting down: no new connections, draining")
        try? await server.close()
        for channel in registry.all {
            try? await channel.eventLoop.submit {
                try channel.pipeline.syncOperations.handler(type: ConnectionHandler.self).stopReading()
            }.get()
        }
        await stopPipeline()
        for channel in registry.all {
            try? await channel.close()
        }
        unlink(configuration.socketPath)
        try? await group.shutdownGracefully()
        logger.info(
            "stopped",
            metadata: [
                "events.stored": "\(counters.eventsStored.load(ordering: .relaxed))",
                "lines.rejected": "\(counters.linesRejected.load(ordering: .relaxed))",
            ])
    }

    /// Destroys the pseudonym key of `value` of `field` between two commits and returns the
    /// pseudonym it had (nil: none). Blocks until the writer thread has done it: call it off any
    /// event loop. Throws when `field` is not pseudonymised or the collector is stopping.
    public func forget(_ field: PseudonymField, _ value: String) throws -> String? {
        guard configuration.pseudonymFields.contains(field) else {
            throw StoreEraser.clearRefusal(field)
        }
        return try pipeline.forget(field, value)
    }

    private func bootstrap(_ group: EventLoopGroup) -> ServerBootstrap {
        let configuration = configuration
        let pipeline = pipeline
        let counters = counters
        let registry = registry
        let fingerprinter = TokenFingerprinterBox(value: fingerprinter)
        let logger = logger
        let warnings = ConnectionWarnings()
        let guardLimits = ConnectionGuard.Limits(configuration)
        let peerBudgets = configuration.maxLinesPerSecondPerUID > 0
            ? PeerRateBudgets(linesPerSecond: configuration.maxLinesPerSecondPerUID) : nil
        let outbound = configuration.maxOutboundBytesPerConnection
        return ServerBootstrap(group: group)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.maxMessagesPerRead, value: 8)
            .childChannelOption(.writeBufferWaterMark, value: .init(low: outbound / 2, high: outbound))
            .childChannelOption(
                .recvAllocator, value: AdaptiveRecvByteBufferAllocator(minimum: 4_096, initial: 65_536, maximum: 1 << 20)
            )
            .childChannelInitializer { channel in
                guard registry.add(channel, limit: configuration.maxConnections) else {
                    warnings.tooMany.record(logger, metadata: ["limit": "\(configuration.maxConnections)"])
                    counters.connectionsRefused.wrappingAdd(1, ordering: .relaxed)
                    let limit = configuration.maxConnections
                    return channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(ConnectionRefusal(limit: limit))
                    }
                }
                channel.closeFuture.whenComplete { _ in registry.remove(channel) }
                return PeerCredentials.read(channel).flatMapThrowing { peer in
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionGuard(
                            limits: guardLimits, peerUID: peer.uid, peerBudgets: peerBudgets, counters: counters,
                            logger: logger, warnings: warnings))
                    try channel.pipeline.syncOperations.addHandler(
                        ConnectionHandler(
                            pipeline: pipeline, configuration: configuration, fingerprinter: fingerprinter,
                            counters: counters, peer: peer))
                }
            }
    }

    /// Tells every acknowledged-mode connection with unacknowledged lines that they will not be
    /// acknowledged (`storage_unavailable`, then the connection is closed), so that producers
    /// waiting for acks learn of the outage without sending more.
    private static func tellStorageUnavailable(_ registry: ConnectionRegistry) {
        for channel in registry.all {
            channel.eventLoop.execute {
                try? channel.pipeline.syncOperations.handler(type: ConnectionHandler.self).storageBecameUnavailable()
            }
        }
    }

    private func stopPipeline() async {
        let pipeline = pipeline
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            Thread.detachNewThread {
                pipeline.stop()
                continuation.resume()
            }
        }
    }
}
