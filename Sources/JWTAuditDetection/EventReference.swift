import JWTAuditModel

/// Enough of a stored event to find it again (`jwtaudit search --service S --from TS --to TS`) and
/// to show an analyst what happened, without copying the whole event into the alert.
public struct EventReference: Sendable, Hashable {
    /// `ts` in microseconds since the epoch.
    public var timestamp: Int64
    /// `received_at` in microseconds since the epoch.
    public var receivedAt: Int64
    public var service: String
    public var kind: EventKind
    public var outcome: Outcome?
    public var reason: Reason?
    public var tokenType: TokenType
    public var subject: String?
    public var tokenID: String?
    public var clientIP: String?
    public var keyID: String?
    public var algorithm: String?
    public var producer: String?
    public var sequence: Int64?

    public init(
        timestamp: Int64, receivedAt: Int64, service: String, kind: EventKind, outcome: Outcome?,
        reason: Reason?, tokenType: TokenType, subject: String? = nil, tokenID: String? = nil,
        clientIP: String? = nil, keyID: String? = nil, algorithm: String? = nil, producer: String? = nil,
        sequence: Int64? = nil
    ) {
        self.timestamp = timestamp
        self.receivedAt = receivedAt
        self.service = service
        self.kind = kind
        self.outcome = outcome
        self.reason = reason
        self.tokenType = tokenType
        self.subject = subject
        self.tokenID = tokenID
        self.clientIP = clientIP
        self.keyID = keyID
        self.algorithm = algorithm
        self.producer = producer
        self.sequence = sequence
    }

    /// The reference to a stored event.
    public init(_ event: AuditEvent) {
        self.init(
            timestamp: event.timestamp, receivedAt: event.receivedAt, service: event.service, kind: event.kind,
            outcome: event.outcome, reason: event.reason, tokenType: event.tokenType, subject: event.subject,
            tokenID: event.tokenID, clientIP: event.clientIP, keyID: event.keyID, algorithm: event.algorithm,
            producer: event.producer, sequence: event.sequence
        )
    }
}
