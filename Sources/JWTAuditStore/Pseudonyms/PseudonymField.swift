import JWTAuditDetection
import JWTAuditModel

/// An event field that can be stored as a pseudonym (retention.json `pseudonymisation.fields`).
public enum PseudonymField: String, Sendable, Hashable, CaseIterable, Comparable {
    /// `sub`, the token subject.
    case subject = "sub"
    /// `client_ip`, the caller's address.
    case clientIP = "client_ip"

    /// The wire name (`sub`, `client_ip`), as in retention.json and `forget_requests.field`.
    public var name: String { rawValue }

    /// The field for a wire name, or nil.
    public init?(name: String) {
        self.init(rawValue: name)
    }

    /// The same field as detection names it.
    public var eventField: EventField { self == .subject ? .sub : .clientIP }

    /// The field's value in `event`.
    @inline(__always)
    public func value(in event: AuditEvent) -> String? {
        self == .subject ? event.subject : event.clientIP
    }

    public static func < (lhs: PseudonymField, rhs: PseudonymField) -> Bool {
        lhs.rawValue < rhs.rawValue
    }
}
