import CoreMetrics
import JWTAuditAlerting
import JWTAuditDetection

/// An ``AlertRecording`` that passes findings on to another and counts the alerts it returns
/// (opened or escalated) in `jwtaudit_alerts_raised_total{rule, severity}`.
public final class CountingAlertRecorder: AlertRecording {
    private let recorder: AlertRecording
    private let factory: MetricsFactory

    /// Wraps `recorder`; counters are made by `factory`.
    public init(_ recorder: AlertRecording, factory: MetricsFactory) {
        self.recorder = recorder
        self.factory = factory
    }

    public func finish() throws { try recorder.finish() }

    public func recordFindings(_ findings: [Finding], now: Int64) throws -> [Alert] {
        let alerts = try recorder.recordFindings(findings, now: now)
        for alert in alerts {
            CoreMetrics.Counter(
                label: "jwtaudit_alerts_raised_total",
                dimensions: [("rule", alert.rule), ("severity", alert.severity.name)], factory: factory
            ).increment()
        }
        return alerts
    }
}
