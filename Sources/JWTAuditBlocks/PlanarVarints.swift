/// Unsigned integers as LEB128 varints split into byte planes: plane 0 holds the first byte of
/// every value, plane 1 the second byte of every value that has one, and so on. The high bit of
/// each byte says whether the value goes on in the next plane.
///
/// Against plain varints one after another, the planes keep bytes of like meaning together, so
/// zlib's Huffman coding sees the low bytes and the rare high bytes separately, and outliers (the
/// block's first absolute timestamp) cost only their own bytes.
enum PlanarVarints {
    static func encode(_ values: [UInt64]) -> [UInt8] {
        var out = [UInt8]()
        out.reserveCapacity(values.count + values.count / 2)
        var active = [Int32]()
        for (index, value) in values.enumerated() {
            if value < 0x80 {
                out.append(UInt8(truncatingIfNeeded: value))
            } else {
                out.append(UInt8(truncatingIfNeeded: value) | 0x80)
                active.append(Int32(truncatingIfNeeded: index))
            }
        }
        var shift: UInt64 = 7
        while !active.isEmpty {
            var next = [Int32]()
            for index in active {
                let rest = values[Int(index)] &>> shift
                if rest < 0x80 {
                    out.append(UInt8(truncatingIfNeeded: rest))
                } else {
                    out.append(UInt8(truncatingIfNeeded: rest) | 0x80)
                    next.append(index)
                }
            }
            active = next
            shift += 7
        }
        return out
    }

    /// Reads exactly `count` values that fill `range` of `bytes` exactly.
    static func decode(
        _ bytes: UnsafeRawBufferPointer, range: Range<Int>, count: Int, _ what: StaticString
    ) throws(BlockCodecError) -> [UInt64] {
        guard range.count >= count else { throw .truncated(what) }
        guard count > 0 else {
            guard range.isEmpty else { throw .corrupt(what) }
            return []
        }
        var values = [UInt64](repeating: 0, count: count)
        var active = [Int32]()
        var position = range.lowerBound
        let base = bytes.baseAddress!
        values.withUnsafeMutableBufferPointer { values in
            for index in 0..<count {
                let byte = base.load(fromByteOffset: position + index, as: UInt8.self)
                values[index] = UInt64(byte & 0x7F)
                if byte >= 0x80 { active.append(Int32(truncatingIfNeeded: index)) }
            }
        }
        position += count
        var shift: UInt64 = 7
        while !active.isEmpty {
            guard shift < 64 else { throw .corrupt(what) }
            guard range.upperBound - position >= active.count else { throw .truncated(what) }
            var next = [Int32]()
            for index in active {
                let byte = base.load(fromByteOffset: position, as: UInt8.self)
                position += 1
                if shift == 63 && byte > 1 { throw .corrupt(what) }
                values[Int(index)] |= UInt64(byte & 0x7F) &<< shift
                if byte >= 0x80 { next.append(index) }
            }
            active = next
            shift += 7
        }
        guard position == range.upperBound else { throw .corrupt(what) }
        return values
    }
}
