import JWTAuditModel

/// Builds stored-shape events for unit tests.
public enum EventFactory {
    /// 2026-11-29T00:00:00Z in microseconds.
    public static let baseTime: Int64 = 1_795_910_400_000_000

    /// A validate event `index` seconds after ``baseTime`` (plus `dayOffset` days).
    public static func event(
        _ index: Int, dayOffset: Int = 0, service: String = "api", subject: String? = nil,
        outcome: Outcome = .accepted, reason: Reason? = nil, producer: String? = nil, sequence: Int64? = nil
    ) -> AuditEvent {
        let ts = baseTime + Int64(dayOffset) * 86_400_000_000 + Int64(index) * 1_000_000
        var event = AuditEvent(timestamp: ts, service: service, outcome: outcome, reason: reason)
        event.subject = subject ?? "user-\(index % 13)"
        event.tokenID = "jti-\(dayOffset)-\(index)"
        event.clientIP = "192.0.2.\(index % 200)"
        event.userAgent = "test-agent/1.0"
        event.issuedAt = ts / 1_000_000 - 30
        event.expiresAt = ts / 1_000_000 + 870
        event.receivedAt = ts + 1_500
        event.peerUID = 1000
        event.peerGID = 1000
        event.peerPID = 4242
        event.producer = producer
        event.sequence = sequence
        return event
    }
}
