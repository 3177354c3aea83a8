import JWTAuditCollector
import JWTAuditHTTP
import JWTAuditMetrics
import JWTAuditOutputs
import JWTAuditStore

/// What `jwtaudit serve` runs: the collector's configuration and detection's.
public struct DaemonOptions: Sendable {
    public var collector: CollectorConfiguration
    /// The rules file; `nil` runs the built-in rules with their defaults.
    public var rulesPath: String?
    /// Where alerts go besides the alert store (the configuration file's `outputs`). Default none.
    public var outputs: [OutputConfiguration] = []
    /// Checkpoint interval and external file. Default every 60 s, no file (`serve` names one).
    public var checkpoints = CheckpointConfiguration()
    /// Whether detection runs. Default `true`; off only to measure what it costs.
    public var detection = true
    /// The HTTP API (and `/metrics`); nil turns it off. Default `127.0.0.1:8088`.
    public var http: HTTPConfiguration? = HTTPConfiguration()
    /// The retention job on its schedule; nil runs none (no policy file).
    public var retention: RetentionService.Options?
    /// The metrics factory the process bootstrapped for swift-metrics, so that the collector's own
    /// metrics land in the registry `/metrics` serves. Default nil: a private one.
    public var metricsFactory: CatalogMetricsFactory?

    public init(collector: CollectorConfiguration, rulesPath: String?) {
        self.collector = collector
        self.rulesPath = rulesPath
    }
}
