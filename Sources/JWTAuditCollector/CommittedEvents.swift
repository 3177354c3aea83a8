import JWTAuditModel

/// Events of one group commit, durable and acknowledged, with the `seq` numbers producers skipped.
public struct CommittedEvents: Sendable {
    public var events: [AuditEvent]
    /// Per producer (`hello.client`), sequence numbers skipped in this commit.
    public var sequenceGaps: [String: Int64]
}

/// Called on the writer thread after each group commit.
public typealias CommitObserver = @Sendable (CommittedEvents) -> Void
