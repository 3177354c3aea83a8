/// How much state detection holds, and whether it had to drop live state (runs degraded).
public struct DetectionStatistics: Sendable, Hashable {
    /// Keys held by every rule, refresh-ledger entries included.
    public var keys: Int
    /// Live keys evicted for lack of room since start.
    public var evictions: Int
    /// Entries in the refresh-token ledger.
    public var ledgerEntries: Int
    /// Events that arrived later than the lateness bound (they still count in rules without windows).
    public var lateEvents: Int
    /// Events looked at since start.
    public var events: Int

    public init(keys: Int = 0, evictions: Int = 0, ledgerEntries: Int = 0, lateEvents: Int = 0, events: Int = 0) {
        self.keys = keys
        self.evictions = evictions
        self.ledgerEntries = ledgerEntries
        self.lateEvents = lateEvents
        self.events = events
    }

    /// Whether some rule evicted live state: detection may miss what spans the evicted keys.
    public var degraded: Bool { evictions > 0 }
}
