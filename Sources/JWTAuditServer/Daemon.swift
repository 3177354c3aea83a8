import JWTAuditAlerting
import JWTAuditCollector
import JWTAuditDetection
import JWTAuditOutputs
import JWTAuditRules
import JWTAuditStore
import Logging
import ServiceLifecycle

/// Wires the daemon's parts into services in start order: detection first, so that it is stopped
/// after the collector and sees the collector's last commits.
public enum Daemon {
    public struct StartError: Error, CustomStringConvertible {
        public var description: String
    }

    public static func services(_ options: DaemonOptions, logger: Logger) throws -> [any Service] {
        guard options.detection else {
            logger.warning("detection is off: events are stored, no alert will be raised")
            return [try CollectorService(configuration: options.collector, logger: logger)]
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
            engine: engine, ledgerStore: ledgerStore, recorder: try AlertStore(directory: directory),
            publisher: options.outputs.isEmpty ? nil : outputs, logger: logger
        )
        let rulesPath = options.rulesPath
        let detection = DetectionService(
            pipeline: pipeline, logger: logger,
            afterStop: { await outputs.shutdown(deadline: .now + .seconds(10)) }
        ) { try loadRules(rulesPath) }
        let collector = try CollectorService(configuration: options.collector, logger: logger) { committed in
            pipeline.submit(committed.events, sequenceGaps: committed.sequenceGaps)
        }
        logger.info(
            "detection on",
            metadata: [
                "rules": "\(rulesPath ?? "built-in defaults")", "rules.custom": "\(rules.custom.count)",
                "ledger.entries": "\(ledger.count)", "outputs": "\(options.outputs.map(\.name))",
            ])
        return [detection, collector]
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
