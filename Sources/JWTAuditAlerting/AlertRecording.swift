import JWTAuditDetection

/// Where findings become stored alerts (the alert store): folds them by rule and key and returns
/// the alerts that outputs should send.
public protocol AlertRecording: AnyObject {
    func recordFindings(_ findings: [Finding], now: Int64) throws -> [Alert]
    /// Called once after the last findings, at shutdown.
    func finish() throws
}

extension AlertRecording {
    public func finish() throws {}
}

/// Where stored alerts go next (stdout, webhook, syslog). Never blocks; what it cannot deliver it
/// counts per output, and those drops become `event_loss`.
public protocol AlertPublishing: AnyObject {
    func publish(_ alerts: [Alert])
    /// Alerts dropped per output since the last call.
    func takeDropped() -> [String: Int]
}
