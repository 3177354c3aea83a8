/// Every metric the daemon exports: name, type, labels and help text. The Prometheus factory takes
/// help texts from here, the docs list it, and a test checks that dashboards query only these.
public enum MetricCatalog {
    /// The Prometheus type of a metric.
    public enum Kind: String, Sendable {
        case counter, gauge, histogram
    }

    /// One metric.
    public struct Entry: Sendable {
        /// The full name (`jwtaudit_` prefix, `_total` for counters, base units).
        public var name: String
        /// Its type.
        public var kind: Kind
        /// Its label names.
        public var labels: [String]
        /// One line of help.
        public var help: String
    }

    /// Group-commit duration buckets, in seconds.
    public static let commitDurationBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .microseconds(2_500), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2_500), .seconds(5),
    ]

    /// The catalogue.
    public static let all: [Entry] = [
        // Ingest
        Entry(name: "jwtaudit_events_received_total", kind: .counter, labels: [],
              help: "Event lines received on the socket, accepted or rejected."),
        Entry(name: "jwtaudit_events_stored_total", kind: .counter, labels: [],
              help: "Events durably stored (acknowledged)."),
        Entry(name: "jwtaudit_events_rejected_total", kind: .counter, labels: ["code"],
              help: "Event lines rejected, by wire error code (kept in the quarantine)."),
        Entry(name: "jwtaudit_events_duplicate_total", kind: .counter, labels: [],
              help: "Resent events dropped by their producer sequence number."),
        Entry(name: "jwtaudit_sequence_gap_events_total", kind: .counter, labels: [],
              help: "Events producers numbered but never delivered (sequence gaps)."),
        Entry(name: "jwtaudit_token_events_total", kind: .counter, labels: ["service", "kind", "outcome", "reason"],
              help: "Stored token events by service, kind, outcome and rejection reason (none when absent)."),
        Entry(name: "jwtaudit_commits_total", kind: .counter, labels: [],
              help: "Group commits of the event writer."),
        Entry(name: "jwtaudit_commit_failures_total", kind: .counter, labels: [],
              help: "Group commits that failed and were retried."),
        Entry(name: "jwtaudit_commit_duration_seconds", kind: .histogram, labels: [],
              help: "Duration of one durable group commit."),
        Entry(name: "jwtaudit_blocks_sealed_total", kind: .counter, labels: [],
              help: "Compressed event blocks sealed."),
        Entry(name: "jwtaudit_sealed_block_bytes_total", kind: .counter, labels: [],
              help: "Compressed bytes of the sealed event blocks."),
        Entry(name: "jwtaudit_events_refused_total", kind: .counter, labels: [],
              help: "Event lines refused with storage_unavailable while commits failed (never stored)."),
        Entry(name: "jwtaudit_storage_available", kind: .gauge, labels: [],
              help: "1 while commits succeed, 0 while they fail (full disk, write error) and lines are refused."),
        Entry(name: "jwtaudit_storage_free_bytes", kind: .gauge, labels: [],
              help: "Bytes available to the daemon on the data folder's file system."),
        Entry(name: "jwtaudit_store_size_bytes", kind: .gauge, labels: ["tier"],
              help: "Bytes on disk of stored events, with write-ahead logs: tier online (partitions) or archive."),
        Entry(name: "jwtaudit_ingest_queue_events", kind: .gauge, labels: [],
              help: "Events waiting for the writer's next group commit."),
        Entry(name: "jwtaudit_connections", kind: .gauge, labels: [],
              help: "Open producer connections on the Unix socket."),
        Entry(name: "jwtaudit_connections_closed_total", kind: .counter, labels: ["reason"],
              help: "Connections the daemon refused or closed for a limit: too_many_connections, line_timeout, write_stall."),
        Entry(name: "jwtaudit_rate_limit_pauses_total", kind: .counter, labels: [],
              help: "Times a connection's reading was paused by max_lines_per_second or max_lines_per_second_per_uid."),
        // Detection
        Entry(name: "jwtaudit_detection_queue_events", kind: .gauge, labels: [],
              help: "Committed events waiting for detection."),
        Entry(name: "jwtaudit_detection_events_total", kind: .counter, labels: [],
              help: "Events examined by detection."),
        Entry(name: "jwtaudit_detection_findings_total", kind: .counter, labels: [],
              help: "Findings raised by detection rules."),
        Entry(name: "jwtaudit_detection_keys", kind: .gauge, labels: [],
              help: "Keys held by detection rules, refresh-token ledger entries included."),
        Entry(name: "jwtaudit_detection_ledger_entries", kind: .gauge, labels: [],
              help: "Entries in the refresh-token ledger."),
        Entry(name: "jwtaudit_detection_evictions_total", kind: .counter, labels: [],
              help: "Live detection keys evicted for lack of room."),
        Entry(name: "jwtaudit_detection_degraded", kind: .gauge, labels: [],
              help: "1 when detection has evicted live state and may miss attacks spanning it, else 0."),
        Entry(name: "jwtaudit_detection_late_events_total", kind: .counter, labels: [],
              help: "Events that arrived later than the lateness bound."),
        Entry(name: "jwtaudit_detection_unrecorded_findings", kind: .gauge, labels: [],
              help: "Findings waiting for the alert store to accept them."),
        // Alerts
        Entry(name: "jwtaudit_alerts_raised_total", kind: .counter, labels: ["rule", "severity"],
              help: "Alerts opened or escalated, by rule and severity."),
        Entry(name: "jwtaudit_alerts", kind: .gauge, labels: ["rule", "severity", "status"],
              help: "Stored alerts by rule, severity and triage status."),
        // Outputs
        Entry(name: "jwtaudit_output_sent_total", kind: .counter, labels: ["output"],
              help: "Alerts delivered by an output."),
        Entry(name: "jwtaudit_output_failed_total", kind: .counter, labels: ["output"],
              help: "Alerts an output's receiver refused for good."),
        Entry(name: "jwtaudit_output_dropped_total", kind: .counter, labels: ["output"],
              help: "Alerts an output lost (queue full, attempts exhausted, shutdown deadline)."),
        Entry(name: "jwtaudit_output_retries_total", kind: .counter, labels: ["output"],
              help: "Delivery attempts after the first one."),
        Entry(name: "jwtaudit_output_queue_alerts", kind: .gauge, labels: ["output"],
              help: "Alerts waiting in an output's queue or being delivered."),
        // HTTP API
        Entry(name: "jwtaudit_http_auth_failures_total", kind: .counter, labels: ["reason"],
              help: "Failed API authentications by reason (rate_limited: refused without a look at the token)."),
        // Integrity and retention
        Entry(name: "jwtaudit_checkpoint_age_seconds", kind: .gauge, labels: [],
              help: "Seconds since the newest signed checkpoint (before the first one, since the daemon started)."),
        Entry(name: "jwtaudit_retention_runs_total", kind: .counter, labels: ["result"],
              help: "Retention job runs in the daemon, by result (success, failure)."),
        Entry(name: "jwtaudit_retention_last_run_timestamp_seconds", kind: .gauge, labels: [],
              help: "When the last retention run finished, seconds since the epoch (0 before any)."),
        Entry(name: "jwtaudit_retention_blocks_archived_total", kind: .counter, labels: [],
              help: "Blocks the retention job moved to the archive tier."),
        Entry(name: "jwtaudit_retention_events_archived_total", kind: .counter, labels: [],
              help: "Events the retention job moved to the archive tier."),
        Entry(name: "jwtaudit_retention_blocks_deleted_total", kind: .counter, labels: [],
              help: "Blocks the retention job deleted (past keep_days, not held)."),
        Entry(name: "jwtaudit_retention_events_deleted_total", kind: .counter, labels: [],
              help: "Events the retention job deleted (past keep_days, not held)."),
        // Process
        Entry(name: "jwtaudit_start_time_seconds", kind: .gauge, labels: [],
              help: "When the daemon started, seconds since the epoch."),
    ]

    /// The entry named `name`, if any.
    public static func entry(_ name: String) -> Entry? {
        byName[name]
    }

    private static let byName = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })
}
