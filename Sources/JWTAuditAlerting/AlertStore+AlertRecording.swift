import JWTAuditDetection
import JWTAuditStore

extension AlertStore: AlertRecording {
    /// Records findings and returns the alerts worth sending: newly opened and escalated ones.
    public func recordFindings(_ findings: [Finding], now: Int64) throws -> [Alert] {
        try record(findings, now: now).filter(\.isNotifiable).map(\.alert)
    }

    /// Folds the write-ahead log into `alerts.sqlite` at shutdown.
    public func finish() throws { try checkpointWriteAheadLog() }
}
