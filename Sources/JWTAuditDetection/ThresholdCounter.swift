/// Counts events (or distinct values) per key in a sliding event-time window and says how many
/// events to report: the threshold when a key first reaches it, one for each event while it stays
/// there.
struct ThresholdCounter {
    private(set) var table: BoundedTable<EventWindow>

    init(capacity: Int) {
        table = BoundedTable(capacity: capacity)
    }

    /// Adds an event of `key` at `time`; `value` is the hash of the distinct-counted field, if any.
    /// Returns the number of events to report, 0 when the key is under its threshold.
    @inline(__always)
    mutating func add(
        key: Int, time: Int64, value: Int? = nil, threshold: Int, window: Int64, context: DetectionContext
    ) -> Int {
        let horizon = context.horizon(window)
        guard time >= horizon else { return 0 }  // later than the lateness bound allows
        let limit = max(threshold, 1)
        return table.update(key, at: time, horizon: horizon, make: { EventWindow() }) { state in
            if let value {
                state.insert(distinct: value, at: time, limit: limit)
            } else {
                state.insert(time, limit: limit)
            }
            let reached = state.count(window: window)
            guard reached >= threshold else {
                state.firing = false
                return 0
            }
            if state.firing { return 1 }
            state.firing = true
            return reached
        }
    }

    /// Drops the state of `key`.
    mutating func remove(key: Int) {
        table.remove(key)
    }

    /// Drops keys with nothing left in the longest window.
    mutating func prune(window: Int64, context: DetectionContext) {
        table.prune(before: context.horizon(window))
    }
}
