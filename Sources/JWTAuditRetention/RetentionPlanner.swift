/// Decides, without I/O, what the retention job does with each stored block: keep it online,
/// move it to the archive tier, or delete it (docs/retention.md, "The retention job").
///
/// A block holds mixed events, so it is judged conservatively by its **newest** event (`max_ts`)
/// against the **longest** period of every policy that could match one of its events: the
/// default period always counts (any event may match no policy), and a policy counts unless the
/// block's key filter proves it holds none of the policy's services. A block is deleted only when
/// that longest `keep_days` has passed for its newest event and no legal hold could cover it.
public struct RetentionPlanner: Sendable {
    /// What happens to one block.
    public enum Action: String, Sendable, Hashable {
        /// Still within the online period of some event it may hold.
        case keepOnline = "keep online"
        /// Past every online period, within some keep period (or held): belongs in the archive tier.
        case archive
        /// Past every keep period and not held.
        case delete
    }

    /// The decision for one block, with the holds that stopped its deletion.
    public struct Decision: Sendable {
        /// The block decided on.
        public var block: RetentionBlock
        /// What to do with it.
        public var action: Action
        /// Ids of the legal holds that could cover it and were past keep (so they stopped deletion).
        public var holds: [String]
        /// The longest period that applies to it.
        public var period: RetentionPeriod
    }

    /// The policy the planner applies.
    public let policy: RetentionPolicy

    static let microsPerDay: Int64 = 86_400_000_000

    /// A planner for `policy`.
    public init(policy: RetentionPolicy) {
        self.policy = policy
    }

    /// The decision for every block, in the order given. `now` is µs since the epoch.
    public func plan(_ blocks: [RetentionBlock], now: Int64) -> [Decision] {
        blocks.map { decide($0, now: now) }
    }

    /// The decision for one block.
    public func decide(_ block: RetentionBlock, now: Int64) -> Decision {
        let period = longestPeriod(for: block)
        let age = now - block.maxTimestamp
        guard block.sealed else {
            return Decision(block: block, action: .keepOnline, holds: [], period: period)
        }
        if age < Int64(period.onlineDays) * Self.microsPerDay {
            return Decision(block: block, action: .keepOnline, holds: [], period: period)
        }
        if age < Int64(period.keepDays) * Self.microsPerDay {
            return Decision(block: block, action: .archive, holds: [], period: period)
        }
        let holds = policy.legalHolds.filter { mayCover($0, block) }.map(\.id)
        return Decision(block: block, action: holds.isEmpty ? .delete : .archive, holds: holds, period: period)
    }

    /// The longest online and keep periods of the default and of every policy that could match
    /// an event in `block`.
    public func longestPeriod(for block: RetentionBlock) -> RetentionPeriod {
        var period = policy.defaultPeriod
        for rule in policy.policies where mayMatch(rule.match, block) {
            period.onlineDays = max(period.onlineDays, rule.period.onlineDays)
            period.keepDays = max(period.keepDays, rule.period.keepDays)
        }
        return period
    }

    /// False only when the block's key filter proves it holds none of the match's services.
    func mayMatch(_ match: EventMatch, _ block: RetentionBlock) -> Bool {
        guard let services = match.services, let probe = block.mightContain else { return true }
        return services.contains { probe(.service, $0) }
    }

    /// Whether `hold` could cover an event of `block`: time ranges overlap, and the key filter
    /// (when there is one) does not rule out the hold's service and subject.
    func mayCover(_ hold: LegalHold, _ block: RetentionBlock) -> Bool {
        if let from = hold.from, Double(block.maxTimestamp) / 1_000_000 < from { return false }
        if let to = hold.to, Double(block.minTimestamp) / 1_000_000 > to { return false }
        guard let probe = block.mightContain else { return true }
        if let service = hold.service, !probe(.service, service) { return false }
        if let sub = hold.sub, !probe(.subject, sub) { return false }
        return true
    }
}

/// What the planner knows of one stored block: where it is, its event-time range, and a probe of
/// its key filter.
public struct RetentionBlock: Sendable {
    /// Fields a key filter can be asked about.
    public enum KeyField: Sendable, Hashable {
        /// The event's `service`.
        case service
        /// The token subject, `sub`.
        case subject
    }

    /// Days since 1970-01-01 of the partition holding it.
    public var day: Int64
    /// The block's row id in its partition.
    public var id: Int64
    /// Its place in the hash chain; nil while unsealed.
    public var sequence: Int64?
    /// Whether it is sealed (only sealed blocks are archived or deleted).
    public var sealed: Bool
    /// Earliest `ts` (µs).
    public var minTimestamp: Int64
    /// Latest `ts` (µs).
    public var maxTimestamp: Int64
    /// Events in it.
    public var eventCount: Int64
    /// Bytes of its stored key filter and payload.
    public var bytes: Int64
    /// False when the block certainly holds no event with that field value; nil when unknown.
    public var mightContain: (@Sendable (KeyField, String) -> Bool)?

    /// A block's metadata.
    public init(
        day: Int64, id: Int64, sequence: Int64?, sealed: Bool, minTimestamp: Int64, maxTimestamp: Int64,
        eventCount: Int64, bytes: Int64 = 0, mightContain: (@Sendable (KeyField, String) -> Bool)? = nil
    ) {
        self.day = day
        self.id = id
        self.sequence = sequence
        self.sealed = sealed
        self.minTimestamp = minTimestamp
        self.maxTimestamp = maxTimestamp
        self.eventCount = eventCount
        self.bytes = bytes
        self.mightContain = mightContain
    }
}
