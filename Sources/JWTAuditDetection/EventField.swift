import JWTAuditModel

/// An event field that custom rules match on and group by, named as on the wire.
public enum EventField: String, Sendable, Hashable, CaseIterable {
    case service, kind, outcome, reason
    case tokenType = "token_type"
    case iss, sub, jti, alg, kid, typ, scope
    case clientID = "client_id"
    case tenant
    case clientIP = "client_ip"
    case userAgent = "user_agent"
    case family
    case parentJTI = "parent_jti"
    case tokenFingerprint = "token_fp"
    case producer

    /// The wire name.
    public var name: String { rawValue }

    /// The field's value in `event`, or `nil` when the event lacks it.
    @inline(__always)
    public func value(in event: AuditEvent) -> String? {
        switch self {
        case .service: event.service
        case .kind: event.kind.name
        case .outcome: event.outcome?.name
        case .reason: event.reason?.name
        case .tokenType: event.tokenType.name
        case .iss: event.issuer
        case .sub: event.subject
        case .jti: event.tokenID
        case .alg: event.algorithm
        case .kid: event.keyID
        case .typ: event.type
        case .scope: event.scope
        case .clientID: event.clientID
        case .tenant: event.tenant
        case .clientIP: event.clientIP
        case .userAgent: event.userAgent
        case .family: event.family
        case .parentJTI: event.parentTokenID
        case .tokenFingerprint: event.tokenFingerprint
        case .producer: event.producer
        }
    }
}
