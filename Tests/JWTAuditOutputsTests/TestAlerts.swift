import Foundation
import JWTAuditDetection
import JWTAuditModel
import Testing

/// Alerts for output tests.
enum TestAlerts {
    /// 2026-11-29T03:25:34.123456Z in microseconds.
    static let firstSeen: Int64 = 1_795_922_734_123_456

    static func alert(
        id: Int64 = 1, rule: String = "brute_force_signature", severity: Severity = .high,
        key: AlertKey = AlertKey("client_ip", "203.0.113.9"), summary: String = "31 bad signatures from 203.0.113.9",
        subject: String? = "alice"
    ) -> Alert {
        let sample = EventReference(
            timestamp: firstSeen, receivedAt: firstSeen + 10, service: "api", kind: .validate, outcome: .rejected,
            reason: .badSignature, tokenType: .access, subject: subject, clientIP: "203.0.113.9"
        )
        return Alert(
            id: id, rule: rule, severity: severity, key: key, firstSeen: firstSeen, lastSeen: firstSeen + 60_000_000,
            count: 31, samples: [sample], summary: summary, techniques: ["T1110"], tags: ["pci-dss:10.2.1.4"],
            createdAt: firstSeen + 61_000_000, updatedAt: firstSeen + 61_000_000
        )
    }

    /// Alerts with ids `ids`, all `high`.
    static func alerts(_ ids: ClosedRange<Int64>) -> [Alert] {
        ids.map { alert(id: $0) }
    }

    /// A JSON object parsed with Foundation, as a consumer of the output would.
    static func object(_ bytes: some Collection<UInt8>) throws -> [String: Any] {
        let value = try JSONSerialization.jsonObject(with: Data(bytes))
        return try #require(value as? [String: Any])
    }
}

/// Polls `condition` every 10 ms for up to `seconds`; returns whether it became true.
func eventually(within seconds: Double = 30, _ condition: () -> Bool) async -> Bool {
    let deadline = ContinuousClock.now + .milliseconds(Int(seconds * 1_000))
    while ContinuousClock.now < deadline {
        if condition() { return true }
        try? await Task.sleep(for: .milliseconds(10))
    }
    return condition()
}

/// A deadline `seconds` from now.
func deadline(in seconds: Double) -> ContinuousClock.Instant {
    ContinuousClock.now + .milliseconds(Int(seconds * 1_000))
}
