/// Events the pipeline could not keep or deliver: a producer's `seq` gap, events the daemon refused
/// (full disk, overload), or alerts an output dropped. Each becomes an `event_loss` finding.
public struct EventLoss: Sendable, Hashable {
    public enum Kind: String, Sendable, Hashable {
        /// A producer skipped `seq` numbers: events it sent were lost before the daemon.
        case sequenceGap = "sequence_gap"
        /// The daemon refused events it could not store.
        case refused
        /// An output fell behind and dropped alerts.
        case outputDropped = "output_dropped"
    }

    public var kind: Kind
    /// The producer (`hello.client`), `daemon`, or `output:NAME`.
    public var source: String
    public var count: Int
    /// When it was noticed, microseconds since the epoch.
    public var at: Int64

    public init(kind: Kind, source: String, count: Int, at: Int64) {
        self.kind = kind
        self.source = source
        self.count = count
        self.at = at
    }
}
