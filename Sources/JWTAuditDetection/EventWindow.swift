/// The recent events of one key, as much as a threshold needs and no more.
///
/// Counting: the newest `limit` event times, sorted (late events land in place). A key has reached a
/// threshold of `limit` events in a window exactly when the oldest of them lies inside it.
/// Distinct counting: up to `limit` distinct value hashes, each with the newest time it was seen.
struct EventWindow {
    private(set) var times: [Int64] = []
    private var values: [Int] = []
    /// The newest event time seen for this key.
    private(set) var newest = Int64.min
    /// Whether the key is above its threshold: the first event over it reports the window, later
    /// ones add one each.
    var firing = false

    /// Adds an event at `time`, keeping the newest `limit` times.
    @inline(__always)
    mutating func insert(_ time: Int64, limit: Int) {
        if time > newest { newest = time }
        if times.count >= limit {
            guard time > times[0] else { return }  // older than everything kept: cannot matter
            times.removeFirst(times.count - limit + 1)
        }
        var index = times.count
        while index > 0 && times[index - 1] > time { index -= 1 }
        times.insert(time, at: index)
    }

    /// Adds an event at `time` whose counted field hashes to `value`, keeping at most `limit`
    /// distinct values (the most recently seen).
    @inline(__always)
    mutating func insert(distinct value: Int, at time: Int64, limit: Int) {
        if time > newest { newest = time }
        if let index = values.firstIndex(of: value) {
            if times[index] < time { times[index] = time }
            return
        }
        if values.count < limit {
            values.append(value)
            times.append(time)
            return
        }
        var oldest = 0
        for index in times.indices where times[index] < times[oldest] { oldest = index }
        guard times[oldest] < time else { return }
        values[oldest] = value
        times[oldest] = time
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
        for time in times where time >= start && time <= end { count += 1 }
        return count
    }

    /// The oldest time kept.
    var oldest: Int64? { values.isEmpty ? times.first : times.min() }

    /// Whether nothing kept is at or after `horizon`.
    func isStale(before horizon: Int64) -> Bool { newest < horizon }
}
