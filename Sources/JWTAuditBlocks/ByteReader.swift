/// A bounds-checked cursor over bytes. Every read checks the remaining length and throws
/// ``BlockCodecError`` instead of trapping, so hostile input can never crash a reader.
struct ByteReader {
    let base: UnsafeRawBufferPointer
    private(set) var position: Int
    let end: Int

    init(_ base: UnsafeRawBufferPointer) {
        self.base = base
        position = 0
        end = base.count
    }

    /// A reader over `range` of `base`; the caller has checked the range.
    init(_ base: UnsafeRawBufferPointer, range: Range<Int>) {
        precondition(range.lowerBound >= 0 && range.upperBound <= base.count)
        self.base = base
        position = range.lowerBound
        end = range.upperBound
    }

    var remaining: Int { end - position }
    var isAtEnd: Bool { position == end }

    @inline(__always)
    mutating func readByte(_ what: StaticString) throws(BlockCodecError) -> UInt8 {
        guard position < end else { throw .truncated(what) }
        let byte = base[position]
        position &+= 1
        return byte
    }

    @inline(__always)
    mutating func readVarint(_ what: StaticString) throws(BlockCodecError) -> UInt64 {
        var result: UInt64 = 0
        var shift: UInt64 = 0
        while true {
            guard position < end else { throw .truncated(what) }
            let byte = base[position]
            position &+= 1
            if shift == 63 && byte > 1 { throw .corrupt(what) }
            result |= UInt64(byte & 0x7F) &<< shift
            if byte < 0x80 { return result }
            shift &+= 7
            if shift > 63 { throw .corrupt(what) }
        }
    }

    @inline(__always)
    mutating func readSigned(_ what: StaticString) throws(BlockCodecError) -> Int64 {
        ZigZag.decode(try readVarint(what))
    }

    /// A varint that counts something, checked against `limit`.
    @inline(__always)
    mutating func readCount(_ what: StaticString, limit: Int) throws(BlockCodecError) -> Int {
        let value = try readVarint(what)
        guard value <= UInt64(limit) else { throw .corrupt(what) }
        return Int(value)
    }

    /// Skips `count` bytes and returns their range.
    mutating func take(_ count: Int, _ what: StaticString) throws(BlockCodecError) -> Range<Int> {
        guard count >= 0, count <= remaining else { throw .truncated(what) }
        let start = position
        position &+= count
        return start..<position
    }
}
