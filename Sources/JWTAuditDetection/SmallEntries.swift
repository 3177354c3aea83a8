/// A window's entries: the first three kept inline, more in an array. Most keys (a `jti` seen
/// from one address, an address with a rejection or two) never allocate.
struct SmallEntries {
    typealias Entry = (time: Int64, value: Int)

    private var inline: (Entry, Entry, Entry) = ((0, 0), (0, 0), (0, 0))
    private var inlineCount = 0
    private var spill: [Entry]?

    static let inlineCapacity = 3

    var count: Int { spill?.count ?? inlineCount }

    subscript(index: Int) -> Entry {
        get {
            if let spill { return spill[index] }
            switch index {
            case 0: return inline.0
            case 1: return inline.1
            default: return inline.2
            }
        }
        set {
            if spill != nil {
                spill![index] = newValue
                return
            }
            switch index {
            case 0: inline.0 = newValue
            case 1: inline.1 = newValue
            default: inline.2 = newValue
            }
        }
    }

    mutating func insert(_ entry: Entry, at index: Int) {
        if spill == nil && inlineCount < Self.inlineCapacity {
            var position = inlineCount
            while position > index {
                self[position] = self[position - 1]
                position -= 1
            }
            inlineCount += 1
            self[index] = entry
            return
        }
        if spill == nil { spill = [inline.0, inline.1, inline.2] }
        spill!.insert(entry, at: index)
    }

    mutating func append(_ entry: Entry) { insert(entry, at: count) }

    mutating func removeFirst(_ removed: Int) {
        if spill != nil {
            spill!.removeFirst(removed)
            return
        }
        for position in 0..<(inlineCount - removed) { self[position] = self[position + removed] }
        inlineCount -= removed
    }
}
