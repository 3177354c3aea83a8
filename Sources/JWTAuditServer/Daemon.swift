import Glibc
import JWTAuditAccess
import JWTAuditAlerting
import JWTAuditCollector
import JWTAuditDetection
import JWTAuditHTTP
import JWTAuditMetrics
import JWTAuditOutputs
import JWTAuditRules
import JWTAuditStore
import Logging
import ServiceLifecycle

/// Wires the daemon's parts into services in start order: checkpoints, then detection, then the
/// collector, so that they are stopped after the collector: detection sees its last commits, and
/// the last checkpoint covers the blocks it sealed as it stopped. The retention job comes after the
/// collector (stopped before it), the HTTP API last (stopped first).
public enum Daemon {
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func services(_ options: DaemonOptions, logger: Logger) throws -> [any Service] {
        let factory = options.metricsFactory ?? CatalogMetricsFactory()
        let tokenEvents = TokenEventCounter()
        guard options.detection else {
            logger.warning("detection is off: events are stored, no alert will be raised")
            let collector = try CollectorService(configuration: options.collector, logger: logger) { committed in
                tokenEvents.count(committed.events)
            }
            var sources = DaemonMetrics.Sources(
                collector: collector.counters, directory: DataDirectory(root: options.collector.dataPath))
            sources.tokenEvents = tokenEvents
            let retention = try retentionService(options, collector: collector, logger: logger)
            sources.retention = retention?.counters
            let forget = forgetHandler(collector: collector, detection: nil, directory: sources.directory)
            return [try checkpointService(options, logger: logger), collector] + (retention.map { [$0] } ?? [])
                + (try http(options, sources: sources, factory: factory, logger: logger, forget: forget))
        }
        let rules = try loadRules(options.rulesPath)
        let directory = DataDirectory(root: options.collector.dataPath)
        try directory.prepare()
        let ledgerStore = try LedgerStore(directory: directory)
        let stored = try ledgerStore.load()
        let ledger = RefreshTokenLedger(tokens: stored.tokens, revocations: stored.revocations)
        let engine = DetectionEngine(rules: rules, ledger: ledger)
        let outputs = try OutputDispatcher(configurations: options.outputs, logger: logger)
        let pipeline = DetectionPipeline(
            engine: engine, ledgerStore: ledgerStore,
            recorder: CountingAlertRecorder(try AlertStore(directory: directory), factory: factory),
            publisher: options.outputs.isEmpty ? nil : outputs, logger: logger
        )
        let rulesPath = options.rulesPath
        let detection = DetectionService(
            pipeline: pipeline, logger: logger,
            afterStop: { await outputs.shutdown(deadline: .now + .seconds(10)) }
        ) { try loadRules(rulesPath) }
        let collector = try CollectorService(configuration: options.collector, logger: logger) { committed in
            tokenEvents.count(committed.events)
            pipeline.submit(committed.events, sequenceGaps: committed.sequenceGaps)
            if committed.refusedEvents > 0 {
                pipeline.report(
                    EventLoss(kind: .refused, source: "daemon", count: committed.refusedEvents, at: Self.now()))
            }
        }
        logger.info(
            "detection on",
            metadata: [
                "rules": "\(rulesPath ?? "built-in defaults")", "rules.custom": "\(rules.custom.count)",
                "ledger.entries": "\(ledger.count)", "outputs": "\(options.outputs.map(\.name))",
            ])
        var sources = DaemonMetrics.Sources(collector: collector.counters, directory: directory)
        sources.detection = pipeline
        sources.outputs = options.outputs.isEmpty ? nil : outputs
        sources.tokenEvents = tokenEvents
        let retention = try retentionService(options, collector: collector, logger: logger)
        sources.retention = retention?.counters
        let forget = forgetHandler(collector: collector, detection: pipeline, directory: directory)
        return [try checkpointService(options, logger: logger), detection, collector] + (retention.map { [$0] } ?? [])
            + (try http(options, sources: sources, factory: factory, logger: logger, forget: forget))
    }

    /// The HTTP API with `/metrics` over `sources`, or nothing when it is off.
    private static func http(
        _ options: DaemonOptions, sources: DaemonMetrics.Sources, factory: CatalogMetricsFactory, logger: Logger,
        forget: ForgetHandler? = nil
    ) throws -> [any Service] {
        guard let configuration = options.http else {
            logger.notice("the HTTP API is off (--http off): no /metrics, no API")
            return []
        }
        let access = AccessCounters()
        var sources = sources
        sources.access = access
        let metrics = DaemonMetrics(sources: sources, factory: factory)
        let tokens = try APITokenStore(directory: sources.directory)
        return [
            HTTPService(
                configuration: configuration, directory: sources.directory, tokens: tokens, accessCounters: access,
                metrics: { metrics.render() }, logger: logger, forget: forget)
        ]
    }

    /// Made after the collector, which takes the data folder's lock and brings the store's schema
    /// up to date.
    private static func checkpointService(_ options: DaemonOptions, logger: Logger) throws -> CheckpointService {
        try CheckpointService(
            directory: DataDirectory(root: options.collector.dataPath), configuration: options.checkpoints,
            logger: logger)
    }

    /// The retention job on its schedule, when a policy is given. After the collector, so it is
    /// stopped first (a run in progress finishes its writer steps while the writer still runs).
    private static func retentionService(_ options: DaemonOptions, collector: CollectorService, logger: Logger)
        throws -> RetentionService?
    {
        guard let retention = options.retention else { return nil }
        return try RetentionService(
            options: retention, directory: DataDirectory(root: options.collector.dataPath),
            writer: collector.writerAccess, logger: logger)
    }

    private static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }

    private static func loadRules(_ path: String?) throws -> RuleSet {
        guard let path else { return .defaults }
        do {
            return try RulesFile.load(path: path)
        } catch {
            throw StartError(description: "\(error)")
        }
    }
}
