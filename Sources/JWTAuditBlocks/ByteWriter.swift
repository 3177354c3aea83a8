/// An append-only byte buffer with the little encodings the block format uses.
///
/// Varints are LEB128 (7 bits a byte, low group first); signed values go through ZigZag first.
struct ByteWriter {
    var bytes: [UInt8]

    init(capacity: Int = 0) {
        bytes = []
        bytes.reserveCapacity(capacity)
    }

    var count: Int { bytes.count }

    @inline(__always)
    mutating func write(_ byte: UInt8) {
        bytes.append(byte)
    }

    @inline(__always)
    mutating func writeVarint(_ value: UInt64) {
        var value = value
        while value >= 0x80 {
            bytes.append(UInt8(truncatingIfNeeded: value) | 0x80)
            value &>>= 7
        }
        bytes.append(UInt8(truncatingIfNeeded: value))
    }

    @inline(__always)
    mutating func writeVarint(_ value: Int) {
        precondition(value >= 0, "varint of a negative count")
        writeVarint(UInt64(value))
    }

    @inline(__always)
    mutating func writeSigned(_ value: Int64) {
        writeVarint(ZigZag.encode(value))
    }

    mutating func write(contentsOf other: [UInt8]) {
        bytes.append(contentsOf: other)
    }

    mutating func write(contentsOf other: UnsafeRawBufferPointer) {
        bytes.append(contentsOf: other)
    }
}

/// ZigZag maps signed integers to unsigned ones so that small magnitudes get short varints.
enum ZigZag {
    @inline(__always)
    static func encode(_ value: Int64) -> UInt64 {
        UInt64(bitPattern: (value &<< 1) ^ (value &>> 63))
    }

    @inline(__always)
    static func decode(_ value: UInt64) -> Int64 {
        Int64(bitPattern: value &>> 1) ^ (0 &- Int64(bitPattern: value & 1))
    }
}

/// How many bytes `ByteWriter.writeVarint` spends on a value.
@inline(__always)
func varintLength(_ value: UInt64) -> Int {
    // 1 + floor(bits / 7), with 0 taking one byte.
    let bits = 64 - value.leadingZeroBitCount
    return bits == 0 ? 1 : (bits + 6) / 7
}
