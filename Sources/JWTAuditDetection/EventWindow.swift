/// The recent events of one key, as much as a threshold needs and no more.
///
/// Counting: the newest `limit` event times, sorted (late events land in place). A key has reached a
/// threshold of `limit` events in a window exactly when the oldest of them lies inside it.
/// Distinct counting: up to `limit` distinct value hashes, each with the newest time it was seen.
struct EventWindow {
    /// Event times (counting), or value hashes with the newest time each was seen (distinct).
    private var entries = SmallEntries()
    /// The newest event time seen for this key.
    private(set) var newest = Int64.min
    /// Whether the key is above its threshold: the first event over it reports the window, later
    /// ones add one each.
    var firing = false

    /// Adds an event at `time`, keeping the newest `limit` times.
    @inline(__always)
    mutating func insert(_ time: Int64, limit: Int) {
        if time > newest { newest = time }
        if entries.count >= limit {
            guard time > entries[0].time else { return }  // older than everything kept: cannot matter
            entries.removeFirst(entries.count - limit + 1)
        }
        var index = entries.count
        while index > 0 && entries[index - 1].time > time { index -= 1 }
        entries.insert((time, 0), at: index)
    }

    /// Adds an event at `time` whose counted field hashes to `value`, keeping at most `limit`
    /// distinct values (the most recently seen).
    @inline(__always)
    mutating func insert(distinct value: Int, at time: Int64, limit: Int) {
        if time > newest { newest = time }
        for index in 0..<entries.count where entries[index].value == value {
            if entries[index].time < time { entries[index].time = time }
            return
        }
        if entries.count < limit {
            entries.append((time, value))
            return
        }
        var oldest = 0
        for index in 0..<entries.count where entries[index].time < entries[oldest].time { oldest = index }
        guard entries[oldest].time < time else { return }
        entries[oldest] = (time, value)
    }

    /// Events (counting mode) or distinct values (distinct mode) seen in the `window` ending at
    /// the newest event.
    @inline(__always)
    func count(window: Int64) -> Int {
        count(from: newest &- window, to: newest)
    }

    /// Entries with a time in `start...end`.
    func count(from start: Int64, to end: Int64) -> Int {
        var count = 0
        for index in 0..<entries.count where entries[index].time >= start && entries[index].time <= end { count += 1 }
        return count
    }

    /// The oldest time kept.
    var oldest: Int64? {
        guard entries.count > 0 else { return nil }
        var oldest = entries[0].time
        for index in 0..<entries.count { oldest = min(oldest, entries[index].time) }
        return oldest
    }
}
