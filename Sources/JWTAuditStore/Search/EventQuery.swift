import JWTAuditModel

/// What a search selects. Every set filter must match; an empty query matches everything.
public struct EventQuery: Sendable, Hashable {
    /// Earliest event time (`ts`, µs), inclusive.
    public var from: Int64?
    /// Latest event time (`ts`, µs), exclusive.
    public var to: Int64?
    public var service: String?
    public var subject: String?
    public var tokenID: String?
    public var clientIP: String?
    public var outcome: Outcome?
    public var reason: Reason?
    /// Most events returned; nil for all.
    public var limit: Int?

    public init() {}

    /// Whether `event` passes every filter.
    public func matches(_ event: AuditEvent) -> Bool {
        if let from, event.timestamp < from { return false }
        if let to, event.timestamp >= to { return false }
        if let service, event.service != service { return false }
        if let subject, event.subject != subject { return false }
        if let tokenID, event.tokenID != tokenID { return false }
        if let clientIP, event.clientIP != clientIP { return false }
        if let outcome, event.outcome != outcome { return false }
        if let reason, event.reason != reason { return false }
        return true
    }
}
