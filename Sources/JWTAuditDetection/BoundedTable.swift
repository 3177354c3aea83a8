/// A dictionary with a maximum key count. Each entry remembers when it was last touched (event
/// time); when the table is full, entries untouched since before `expiry` go first, then the least
/// recently touched quarter. Evictions of entries still inside their horizon are counted.
struct BoundedTable<Value> {
    private(set) var entries: [Int: Slot] = [:]
    let capacity: Int
    /// Live entries evicted because the table was full.
    private(set) var evictions = 0

    struct Slot {
        var value: Value
        var touched: Int64

        @inline(__always)
        mutating func touch<Result>(at time: Int64, _ body: (inout Value) -> Result) -> Result {
            if touched < time { touched = time }
            return body(&value)
        }
    }

    init(capacity: Int) {
        self.capacity = max(capacity, 16)
    }

    var count: Int { entries.count }

    subscript(key: Int) -> Value? {
        entries[key]?.value
    }

    /// Runs `body` on the value of `key` in place, without copying it; `nil` when absent.
    @inline(__always)
    func read<Result>(_ key: Int, _ body: (Value) -> Result) -> Result? {
        guard let index = entries.index(forKey: key) else { return nil }
        return body(entries.values[index].value)
    }

    /// Updates (or creates with `make`) the entry for `key`, marking it touched at `time`.
    /// `horizon` is the oldest touch time still worth keeping.
    @inline(__always)
    mutating func update<Result>(
        _ key: Int, at time: Int64, horizon: Int64, make: () -> Value, _ body: (inout Value) -> Result
    ) -> Result {
        if entries.count >= capacity && entries[key] == nil {
            makeRoom(horizon: horizon)
        }
        return entries[key, default: Slot(value: make(), touched: time)].touch(at: time, body)
    }

    mutating func remove(_ key: Int) {
        entries.removeValue(forKey: key)
    }

    /// Drops entries last touched before `horizon`, in place.
    mutating func prune(before horizon: Int64) {
        let stale = entries.compactMap { $0.value.touched < horizon ? $0.key : nil }
        for key in stale { entries.removeValue(forKey: key) }
    }

    /// Frees about a quarter of the table in one pass: everything older than `horizon`, then the
    /// least recently touched, judged by a sample of touch times.
    private mutating func makeRoom(horizon: Int64) {
        let step = max(entries.count / 512, 1)
        var sample: [Int64] = []
        sample.reserveCapacity(entries.count / step + 1)
        var position = 0
        for slot in entries.values {
            if position % step == 0 { sample.append(slot.touched) }
            position += 1
        }
        sample.sort()
        let cutoff = max(sample[sample.count / 4], horizon)
        var evicted = 0
        let doomed = entries.compactMap { key, slot -> Int? in
            guard slot.touched <= cutoff else { return nil }
            if slot.touched >= horizon { evicted += 1 }
            return key
        }
        for key in doomed { entries.removeValue(forKey: key) }
        evictions += evicted
    }
}
