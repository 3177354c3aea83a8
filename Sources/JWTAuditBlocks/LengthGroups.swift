/// Dictionary entries grouped by byte length, for the transposed dictionary layout: groups in
/// order of the first entry of each length, entries in dictionary order within a group.
struct LengthGroups {
    /// Each entry's end offset in the back-to-back layout.
    let ends: [Int]

    /// Calls `body(groupStart, groupCount, rank, entryStart, length)` for every entry: where its
    /// group starts in the transposed layout, how many entries the group has, the entry's rank in
    /// it, and where the entry starts back to back. Byte `j` of the entry is at
    /// `groupStart + j * groupCount + rank` transposed.
    func forEachEntry(_ body: (Int, Int, Int, Int, Int) -> Void) {
        let count = ends.count
        guard count > 0 else { return }
        // The common case: every entry has the same length (identifiers of one format).
        let first = ends[0]
        if ends[count - 1] == first * count && (1..<count).allSatisfy({ ends[$0] - ends[$0 - 1] == first }) {
            for rank in 0..<count { body(0, count, rank, rank * first, first) }
            return
        }
        // Group index per distinct length, in order of first appearance.
        var groupOf: [Int: Int] = [:]
        var groupLength: [Int] = []
        var groupCount: [Int] = []
        var entryGroup = [Int](repeating: 0, count: count)
        var entryRank = [Int](repeating: 0, count: count)
        var start = 0
        for index in 0..<count {
            let length = ends[index] - start
            start = ends[index]
            let group: Int
            if let known = groupOf[length] {
                group = known
            } else {
                group = groupLength.count
                groupOf[length] = group
                groupLength.append(length)
                groupCount.append(0)
            }
            entryGroup[index] = group
            entryRank[index] = groupCount[group]
            groupCount[group] += 1
        }
        var groupStart = [Int](repeating: 0, count: groupLength.count)
        var next = 0
        for group in 0..<groupLength.count {
            groupStart[group] = next
            next += groupLength[group] * groupCount[group]
        }
        start = 0
        for index in 0..<count {
            let group = entryGroup[index]
            body(groupStart[group], groupCount[group], entryRank[index], start, ends[index] - start)
            start = ends[index]
        }
    }
}
