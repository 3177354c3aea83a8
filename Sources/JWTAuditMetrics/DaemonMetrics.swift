import CoreMetrics
import Foundation
import JWTAuditAccess
import JWTAuditAlerting
import JWTAuditCollector
import JWTAuditModel
import JWTAuditOutputs
import JWTAuditStore

/// The daemon's metrics, read from the running parts when scraped: the collector's atomics, the
/// detection pipeline's statistics, the outputs' counters, the alert store and the data folder.
/// Nothing on the ingest path does work for metrics beyond the atomics it already kept (and the
/// rejection counters and commit timer, per rejected line and per commit).
public final class DaemonMetrics: @unchecked Sendable {
    /// Where the values come from; a part left `nil` exports nothing.
    public struct Sources {
        /// The collector's totals.
        public var collector: CollectorCounters
        /// The data folder (partition sizes, the alert store).
        public var directory: DataDirectory
        /// Live detection, when it runs.
        public var detection: DetectionPipeline?
        /// The alert outputs, when configured.
        public var outputs: OutputDispatcher?
        /// Stored events by service, kind, outcome and reason.
        public var tokenEvents: TokenEventCounter?
        /// Authentication outcomes of the HTTP API.
        public var access: AccessCounters?
        /// The retention job's runs, when it runs in the daemon.
        public var retention: RetentionCounters?

        /// Sources with the collector and data folder only.
        public init(collector: CollectorCounters, directory: DataDirectory) {
            self.collector = collector
            self.directory = directory
        }
    }

    /// The factory (and registry) the metrics live in.
    public let factory: CatalogMetricsFactory
    private let sources: Sources
    private let lock = NSLock()
    private var counters: [SeriesKey: (handle: CoreMetrics.Counter, value: Int64)] = [:]
    private var gauges: [SeriesKey: CoreMetrics.Gauge] = [:]
    private var alertSeries: Set<SeriesKey> = []
    private var alertReader: AlertStore?
    private var checkpointReader: CheckpointStore?
    private let startTime = Date().timeIntervalSince1970

    private struct SeriesKey: Hashable {
        var name: String
        var labels: [String]
    }

    /// Metrics over `sources`, kept in `factory`'s registry. Series with fixed labels start at zero.
    public init(sources: Sources, factory: CatalogMetricsFactory) {
        self.sources = sources
        self.factory = factory
        for code in RejectionCode.allCases.map(\.rawValue) {
            _ = CoreMetrics.Counter(
                label: "jwtaudit_events_rejected_total", dimensions: [("code", code)], factory: factory)
        }
        _ = CoreMetrics.Timer(label: "jwtaudit_commit_duration_seconds", factory: factory)
        gauge("jwtaudit_start_time_seconds", []).record(startTime)
        lock.withLock { update() }
    }

    /// Reads every source and returns the registry in the Prometheus text format.
    public func render() -> [UInt8] {
        lock.withLock { update() }
        return factory.emit()
    }

    private func update() {
        let collector = sources.collector
        counter("jwtaudit_events_received_total", [], collector.linesReceived.load(ordering: .relaxed))
        counter("jwtaudit_events_stored_total", [], collector.eventsStored.load(ordering: .relaxed))
        counter("jwtaudit_events_duplicate_total", [], collector.duplicatesDropped.load(ordering: .relaxed))
        counter("jwtaudit_sequence_gap_events_total", [], collector.sequenceGaps.load(ordering: .relaxed))
        counter("jwtaudit_commits_total", [], collector.commits.load(ordering: .relaxed))
        counter("jwtaudit_commit_failures_total", [], collector.writeFailures.load(ordering: .relaxed))
        counter("jwtaudit_blocks_sealed_total", [], collector.blocksSealed.load(ordering: .relaxed))
        counter("jwtaudit_sealed_block_bytes_total", [], collector.sealedBlockBytes.load(ordering: .relaxed))
        counter("jwtaudit_events_refused_total", [], collector.eventsRefused.load(ordering: .relaxed))
        gauge("jwtaudit_storage_available", []).record(collector.storageAvailable.load(ordering: .relaxed) ? 1 : 0)
        if let free = sources.directory.availableBytes() { gauge("jwtaudit_storage_free_bytes", []).record(free) }
        gauge("jwtaudit_ingest_queue_events", []).record(collector.ingestQueueEvents.load(ordering: .relaxed))
        gauge("jwtaudit_connections", []).record(collector.connectionsOpen.load(ordering: .relaxed))
        for (reason, total) in [
            ("too_many_connections", collector.connectionsRefused.load(ordering: .relaxed)),
            ("line_timeout", collector.connectionsTimedOut.load(ordering: .relaxed)),
            ("write_stall", collector.connectionsStalled.load(ordering: .relaxed)),
        ] {
            counter("jwtaudit_connections_closed_total", [("reason", reason)], total)
        }
        counter("jwtaudit_rate_limit_pauses_total", [], collector.rateLimitPauses.load(ordering: .relaxed))
        let directory = sources.directory
        let online = ((try? directory.partitionDays()) ?? []).reduce(Int64(0)) { $0 + directory.partitionBytes($1) }
        let archive = ((try? directory.archiveDays()) ?? []).reduce(Int64(0)) { $0 + directory.archiveBytes($1) }
        gauge("jwtaudit_store_size_bytes", [("tier", "online")]).record(online)
        gauge("jwtaudit_store_size_bytes", [("tier", "archive")]).record(archive)
        updateIntegrityAndRetention()

        for total in sources.tokenEvents?.totals ?? [] {
            let labels = [
                ("service", total.service), ("kind", total.kind.name), ("outcome", total.outcome?.name ?? "none"),
                ("reason", total.reason?.name ?? "none"),
            ]
            counter("jwtaudit_token_events_total", labels, total.events)
        }

        if let detection = sources.detection {
            let statistics = detection.statistics
            gauge("jwtaudit_detection_queue_events", []).record(Int64(detection.queueDepth))
            counter("jwtaudit_detection_events_total", [], Int64(statistics.events))
            counter("jwtaudit_detection_findings_total", [], Int64(statistics.findings))
            gauge("jwtaudit_detection_keys", []).record(Int64(statistics.engine.keys))
            gauge("jwtaudit_detection_ledger_entries", []).record(Int64(statistics.engine.ledgerEntries))
            counter("jwtaudit_detection_evictions_total", [], Int64(statistics.engine.evictions))
            gauge("jwtaudit_detection_degraded", []).record(statistics.engine.degraded ? 1 : 0)
            counter("jwtaudit_detection_late_events_total", [], Int64(statistics.engine.lateEvents))
            gauge("jwtaudit_detection_unrecorded_findings", []).record(Int64(statistics.unrecorded))
            updateAlertCounts()
        }

        for (name, snapshot) in sources.outputs?.statistics() ?? [] {
            let labels = [("output", name)]
            counter("jwtaudit_output_sent_total", labels, snapshot.sent)
            counter("jwtaudit_output_failed_total", labels, snapshot.failed)
            counter("jwtaudit_output_dropped_total", labels, snapshot.dropped)
            counter("jwtaudit_output_retries_total", labels, snapshot.retried)
            gauge("jwtaudit_output_queue_alerts", labels).record(snapshot.queued)
        }

        for (reason, total) in sources.access?.failuresByReason ?? [:] {
            counter("jwtaudit_http_auth_failures_total", [("reason", reason.rawValue)], total)
        }
    }

    /// Checkpoint age, and the retention job's runs when it runs here.
    private func updateIntegrityAndRetention() {
        if checkpointReader == nil, FileManager.default.fileExists(atPath: sources.directory.metaPath) {
            checkpointReader = try? CheckpointStore(directory: sources.directory, readOnly: true)
        }
        // Before the first checkpoint: the time since the daemon started (nothing was signed since).
        let signed = (try? checkpointReader?.latest())?.map { Double($0.checkpoint.time) / 1_000_000 }
        let age = Date().timeIntervalSince1970 - (signed ?? startTime)
        gauge("jwtaudit_checkpoint_age_seconds", []).record(max(0, age))
        guard let retention = sources.retention?.snapshot else { return }
        counter("jwtaudit_retention_runs_total", [("result", "success")], retention.succeeded)
        counter("jwtaudit_retention_runs_total", [("result", "failure")], retention.failed)
        // 0 before any run, as Prometheus "last success" timestamps do.
        gauge("jwtaudit_retention_last_run_timestamp_seconds", []).record(retention.lastRunSeconds ?? 0)
        counter("jwtaudit_retention_blocks_archived_total", [], retention.blocksArchived)
        counter("jwtaudit_retention_events_archived_total", [], retention.eventsArchived)
        counter("jwtaudit_retention_blocks_deleted_total", [], retention.blocksDeleted)
        counter("jwtaudit_retention_events_deleted_total", [], retention.eventsDeleted)
    }

    /// Stored alerts by rule, severity and status; a combination that disappeared goes to zero.
    private func updateAlertCounts() {
        if alertReader == nil, FileManager.default.fileExists(atPath: sources.directory.alertsPath) {
            alertReader = try? AlertStore(directory: sources.directory, readOnly: true)
        }
        guard let reader = alertReader, let counts = try? reader.countByRule() else { return }
        var seen: Set<SeriesKey> = []
        for count in counts {
            let labels = [("rule", count.rule), ("severity", count.severity.name), ("status", count.status.name)]
            seen.insert(SeriesKey(name: "jwtaudit_alerts", labels: labels.map { $0.0 + "=" + $0.1 }))
            gauge("jwtaudit_alerts", labels).record(count.alerts)
        }
        for key in alertSeries.subtracting(seen) {
            gauges[key]?.record(Int64(0))
        }
        alertSeries.formUnion(seen)
    }

    /// Brings the counter up to `total` (counters only go up; a smaller total is ignored).
    private func counter(_ name: String, _ labels: [(String, String)], _ total: Int64) {
        let key = SeriesKey(name: name, labels: labels.map { $0.0 + "=" + $0.1 })
        let entry =
            counters[key] ?? (CoreMetrics.Counter(label: name, dimensions: labels, factory: factory), 0)
        if total > entry.value { entry.handle.increment(by: total - entry.value) }
        counters[key] = (entry.handle, max(total, entry.value))
    }

    private func gauge(_ name: String, _ labels: [(String, String)]) -> CoreMetrics.Gauge {
        let key = SeriesKey(name: name, labels: labels.map { $0.0 + "=" + $0.1 })
        if let gauge = gauges[key] { return gauge }
        let gauge = CoreMetrics.Gauge(label: name, dimensions: labels, factory: factory)
        gauges[key] = gauge
        return gauge
    }
}
