import JWTAuditModel

/// Events of one group commit, durable and acknowledged, with the `seq` numbers producers skipped.
public struct CommittedEvents: Sendable {
    public var events: [AuditEvent]
    /// Per producer (`hello.client`), sequence numbers skipped in this commit.
    public var sequenceGaps: [String: Int64]
    /// Event lines refused (storage unavailable) since the previous observation; also reported
    /// with no events while commits fail, so that the loss is raised during the outage.
    public var refusedEvents: Int = 0
}

/// Called on the writer thread after each group commit.
public typealias CommitObserver = @Sendable (CommittedEvents) -> Void
