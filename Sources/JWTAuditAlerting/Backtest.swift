import JWTAuditDetection
import JWTAuditModel
import JWTAuditStore

/// `jwtaudit rules test`: replays stored events through a rule set and returns the alerts it
/// would raise, folded exactly as the daemon folds them, in a private in-memory alert store. The
/// data folder is only read: nothing is raised, no output is called.
///
/// The refresh-token ledger starts empty at `from`: reuse of a token issued before the range is
/// not seen.
public enum Backtest {
    public struct Result: Sendable {
        public var events: Int
        public var alerts: [Alert]
        public var statistics: DetectionStatistics
    }

    public static func run(
        rules: RuleSet, directory: DataDirectory, from: Int64?, to: Int64?, batch: Int = 8_192
    ) throws -> Result {
        let engine = DetectionEngine(rules: rules)
        let store = try AlertStore(path: ":memory:")
        var query = EventQuery()
        query.from = from
        query.to = to
        var pending: [AuditEvent] = []
        pending.reserveCapacity(batch)
        var events = 0
        var clock = Int64.min
        func flush() throws {
            guard !pending.isEmpty else { return }
            clock = max(clock, pending.map(\.receivedAt).max() ?? clock)
            _ = try store.record(engine.process(pending, now: clock), now: clock)
            _ = engine.takeLedgerChanges()
            events += pending.count
            pending.removeAll(keepingCapacity: true)
        }
        try EventSearch(directory: directory).run(query) { event in
            pending.append(event)
            if pending.count >= batch { try flush() }
        }
        try flush()
        // Absence rules and logging gaps up to the end of the range (or the last event).
        if let end = to ?? (clock == .min ? nil : clock) {
            _ = try store.record(engine.advance(now: end), now: end)
        }
        var filter = AlertFilter()
        filter.limit = nil
        return Result(events: events, alerts: try store.list(filter), statistics: engine.statistics)
    }
}
