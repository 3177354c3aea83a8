/// The recent events of one key in a sliding window: their event times (kept sorted, so late
/// events land in place) and, for distinct counts, a hash of the counted value.
struct EventWindow {
    private(set) var times: [Int64] = []
    private var values: [Int] = []
    /// Whether the key is above its threshold: the first event over it reports the whole window,
    /// later ones add one each.
    var firing = false

    /// Adds an event at `time` (with `value`'s hash for distinct counts), keeping at most `limit`
    /// newest entries and none older than `horizon`.
    @inline(__always)
    mutating func insert(_ time: Int64, value: Int = 0, limit: Int, horizon: Int64) {
        var index = times.count
        while index > 0 && times[index - 1] > time { index -= 1 }
        times.insert(time, at: index)
        values.insert(value, at: index)
        var drop = 0
        while drop < times.count && times[drop] < horizon { drop += 1 }
        drop = max(drop, times.count - limit)
        if drop > 0 {
            times.removeFirst(drop)
            values.removeFirst(drop)
        }
    }

    /// The window's end: the newest event time.
    var newest: Int64 { times.last ?? .min }

    /// Events in the `window` ending at the newest event.
    func count(window: Int64) -> Int {
        guard let end = times.last else { return 0 }
        let start = end - window
        var count = 0
        for time in times.reversed() {
            guard time >= start else { break }
            count += 1
        }
        return count
    }

    /// Events at or after `start` and not after `end`.
    func count(from start: Int64, to end: Int64) -> Int {
        var count = 0
        for time in times.reversed() where time <= end {
            guard time >= start else { break }
            count += 1
        }
        return count
    }

    /// Distinct values among the events in the `window` ending at the newest event.
    func distinctCount(window: Int64) -> Int {
        guard let end = times.last else { return 0 }
        let start = end - window
        var seen = Set<Int>()
        for index in times.indices.reversed() {
            guard times[index] >= start else { break }
            seen.insert(values[index])
        }
        return seen.count
    }

    /// Whether `value` occurs in the `window` ending at the newest event.
    func contains(value: Int, window: Int64) -> Bool {
        guard let end = times.last else { return false }
        for index in times.indices.reversed() {
            guard times[index] >= end - window else { break }
            if values[index] == value { return true }
        }
        return false
    }

    /// Forgets everything (after a sequence completed, for instance).
    mutating func clear() {
        times.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        firing = false
    }
}
