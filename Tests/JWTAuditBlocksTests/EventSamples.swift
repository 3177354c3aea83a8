import JWTAuditModel

/// Hand-built events for the round-trip tests.
enum EventSamples {
    /// An event with every field set.
    static func full(_ index: Int = 0) -> AuditEvent {
        var event = AuditEvent(
            timestamp: 1_767_225_600_123_456 + Int64(index) * 1_000, service: "orders-api", kind: .validate,
            outcome: .rejected, reason: .audienceMismatch, tokenType: .access)
        event.issuer = "https://login.example.com/"
        event.subject = "auth0|5f7c8ec7c33c6c004bbafe82"
        event.tokenID = "q3Xr0vJmT2aK8pL1nB5cZw\(index)"
        event.algorithm = "RS256"
        event.keyID = "k-2026-01"
        event.type = "at+jwt"
        event.scope = "orders:read orders:write"
        event.clientID = "web-checkout"
        event.tenant = "tenant-7"
        event.audience = .list(["api://orders", "api://payments"])
        event.expiresAt = 1_767_226_500
        event.issuedAt = 1_767_225_600
        event.notBefore = 1_767_225_590
        event.clientIP = "203.0.113.77"
        event.userAgent = "okhttp/4.12.0"
        event.family = "fam-Qm9vYmFy"
        event.parentTokenID = "p-\(index)"
        event.latencyMicros = 412
        event.jwkSetURL = "https://login.example.com/.well-known/jwks.json"
        event.x509URL = "https://login.example.com/x5u.pem"
        event.sequence = 1_000 + Int64(index)
        event.tokenFingerprint = "9f86d081884c7d659a2feaa0c55ad015"
        event.attributes = ["region": "eu-west-1", "trace_id": "4bf92f3577b34da6a3ce929d0e0e4736"]
        event.receivedAt = event.timestamp + 1_850
        event.peerUID = 1001
        event.peerGID = 1002
        event.peerPID = 4242
        event.producer = "node-3.prod:sidecar"
        return event
    }

    /// Setters that clear one optional field each (or set an empty or default value).
    static let clearers: [(name: String, clear: @Sendable (inout AuditEvent) -> Void)] = [
        ("outcome", { $0.outcome = nil }), ("reason", { $0.reason = nil }), ("issuer", { $0.issuer = nil }),
        ("subject", { $0.subject = nil }), ("tokenID", { $0.tokenID = nil }), ("algorithm", { $0.algorithm = nil }),
        ("keyID", { $0.keyID = nil }), ("type", { $0.type = nil }), ("scope", { $0.scope = nil }),
        ("clientID", { $0.clientID = nil }), ("tenant", { $0.tenant = nil }), ("audience", { $0.audience = nil }),
        ("expiresAt", { $0.expiresAt = nil }), ("issuedAt", { $0.issuedAt = nil }),
        ("notBefore", { $0.notBefore = nil }), ("clientIP", { $0.clientIP = nil }),
        ("userAgent", { $0.userAgent = nil }), ("family", { $0.family = nil }),
        ("parentTokenID", { $0.parentTokenID = nil }), ("latencyMicros", { $0.latencyMicros = nil }),
        ("jwkSetURL", { $0.jwkSetURL = nil }), ("x509URL", { $0.x509URL = nil }),
        ("sequence", { $0.sequence = nil }), ("tokenFingerprint", { $0.tokenFingerprint = nil }),
        ("attributes", { $0.attributes = [:] }), ("producer", { $0.producer = nil }),
        ("receivedAt", { $0.receivedAt = 0 }), ("peer", { $0.peerUID = 0; $0.peerGID = 0; $0.peerPID = 0 }),
    ]

    /// Every way of making one event's string fields empty.
    static func emptyStrings() -> AuditEvent {
        var event = AuditEvent(timestamp: 0, service: "")
        event.issuer = ""
        event.subject = ""
        event.tokenID = ""
        event.algorithm = ""
        event.keyID = ""
        event.type = ""
        event.scope = ""
        event.clientID = ""
        event.tenant = ""
        event.audience = .single("")
        event.clientIP = ""
        event.userAgent = ""
        event.family = ""
        event.parentTokenID = ""
        event.jwkSetURL = ""
        event.x509URL = ""
        event.tokenFingerprint = ""
        event.attributes = ["": ""]
        event.producer = ""
        return event
    }
}
