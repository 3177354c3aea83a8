/// An insertion-ordered set of strings keyed on their UTF-8 bytes: the per-column dictionary the
/// encoder builds. Open addressing with linear probing over a power-of-two slot array; entries
/// keep their bytes back to back in `bytes`, which is also how the block stores them.
///
/// Swift's `Dictionary<String, Int>` hashes with SipHash over Unicode-normalised text and was
/// several times slower for this job.
struct StringTable {
    /// Every entry's bytes, in insertion order, back to back.
    private(set) var bytes: [UInt8] = []
    /// The end offset in `bytes` of each entry (its start is the previous entry's end).
    private(set) var ends: [Int] = []
    /// Per slot: the key's 32-bit hash in the high half, entry index + 1 in the low half; 0 is an
    /// empty slot. The stored hash skips most mismatches without touching the bytes.
    private var slots: [UInt64]
    private var mask: Int

    init(expectedCount: Int = 16) {
        var size = 16
        while size < expectedCount * 2 { size <<= 1 }
        slots = [UInt64](repeating: 0, count: size)
        mask = size - 1
    }

    /// How many distinct strings the table holds.
    var count: Int { ends.count }

    /// The index of `string`, inserting it as the next entry when it is new.
    @inline(__always)
    mutating func intern(_ string: String) -> Int {
        if let index = string.utf8.withContiguousStorageIfAvailable({ intern(UnsafeRawBufferPointer($0)) }) {
            return index
        }
        return Array(string.utf8).withUnsafeBytes { intern($0) }
    }

    /// The index of `key`, inserting it as the next entry when it is new.
    mutating func intern(_ key: UnsafeRawBufferPointer) -> Int {
        let hash = UInt32(truncatingIfNeeded: StableHash.hash(key, seed: 0))
        let tag = UInt64(hash) << 32
        let found: (index: Int, slot: Int) = slots.withUnsafeBufferPointer { slots in
            var slot = Int(hash) & mask
            while true {
                let stored = slots[slot]
                if stored == 0 { return (-1, slot) }
                if stored & 0xFFFF_FFFF_0000_0000 == tag {
                    let index = Int(truncatingIfNeeded: stored & 0xFFFF_FFFF) - 1
                    if equals(index, key) { return (index, slot) }
                }
                slot = (slot + 1) & mask
            }
        }
        if found.index >= 0 { return found.index }
        let index = ends.count
        bytes.append(contentsOf: key)
        ends.append(bytes.count)
        slots[found.slot] = tag | UInt64(index + 1)
        if ends.count * 2 > slots.count { grow() }
        return index
    }

    @inline(__always)
    private func equals(_ index: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = index == 0 ? 0 : ends[index - 1]
        guard ends[index] - start == key.count else { return false }
        if key.isEmpty { return true }
        return bytes.withUnsafeBytes { stored in memcmpBytes(stored.baseAddress! + start, key.baseAddress!, key.count) }
    }

    private mutating func grow() {
        let size = slots.count * 2
        var grown = [UInt64](repeating: 0, count: size)
        let newMask = size - 1
        for stored in slots where stored != 0 {
            var slot = Int(truncatingIfNeeded: stored >> 32) & newMask
            while grown[slot] != 0 { slot = (slot + 1) & newMask }
            grown[slot] = stored
        }
        slots = grown
        mask = newMask
    }
}

@inline(__always)
func memcmpBytes(_ a: UnsafeRawPointer, _ b: UnsafeRawPointer, _ count: Int) -> Bool {
    var offset = 0
    while offset + 8 <= count {
        if a.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
            != b.loadUnaligned(fromByteOffset: offset, as: UInt64.self)
        {
            return false
        }
        offset += 8
    }
    while offset < count {
        if a.load(fromByteOffset: offset, as: UInt8.self) != b.load(fromByteOffset: offset, as: UInt8.self) {
            return false
        }
        offset += 1
    }
    return true
}
