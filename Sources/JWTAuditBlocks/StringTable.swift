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
    private var hashes: [UInt64] = []
    /// Entry index + 1 per slot; 0 marks an empty slot.
    private var slots: [Int32]
    private var mask: Int

    init(expectedCount: Int = 16) {
        var size = 16
        while size < expectedCount * 2 { size <<= 1 }
        slots = [Int32](repeating: 0, count: size)
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
        let hash = StableHash.hash(key, seed: 0)
        var slot = Int(truncatingIfNeeded: hash) & mask
        while true {
            let stored = slots[slot]
            if stored == 0 { break }
            let index = Int(stored) - 1
            if hashes[index] == hash && equals(index, key) { return index }
            slot = (slot + 1) & mask
        }
        let index = ends.count
        bytes.append(contentsOf: key)
        ends.append(bytes.count)
        hashes.append(hash)
        slots[slot] = Int32(index + 1)
        if ends.count * 2 > slots.count { grow() }
        return index
    }

    @inline(__always)
    private func equals(_ index: Int, _ key: UnsafeRawBufferPointer) -> Bool {
        let start = index == 0 ? 0 : ends[index - 1]
        let end = ends[index]
        guard end - start == key.count else { return false }
        if key.count == 0 { return true }
        return bytes.withUnsafeBytes { stored in
            memcmpBytes(stored.baseAddress! + start, key.baseAddress!, key.count)
        }
    }

    private mutating func grow() {
        let size = slots.count * 2
        slots = [Int32](repeating: 0, count: size)
        mask = size - 1
        for (index, hash) in hashes.enumerated() {
            var slot = Int(truncatingIfNeeded: hash) & mask
            while slots[slot] != 0 { slot = (slot + 1) & mask }
            slots[slot] = Int32(index + 1)
        }
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
