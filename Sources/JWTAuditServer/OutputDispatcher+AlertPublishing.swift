import JWTAuditAlerting
import JWTAuditDetection
import JWTAuditOutputs

extension OutputDispatcher: AlertPublishing {
    public func publish(_ alerts: [Alert]) { offer(alerts) }

    public func takeDropped() -> [String: Int] {
        var dropped: [String: Int] = [:]
        for loss in takeLosses() { dropped[loss.output, default: 0] += Int(clamping: loss.total) }
        return dropped
    }
}
