/// A fast 64-bit hash of bytes that is the same in every process, on every platform and in
/// every version (Bloom filters are persisted with it). Swift's `Hasher` is randomly seeded per
/// process, so it cannot serve.
///
/// The construction follows wyhash (multiply-fold mixing of 8-byte little-endian words); its
/// exact output is pinned by test vectors and must never change: a new construction needs a new
/// ``BlockKeyFilter`` format version.
enum StableHash {
    private static let p0: UInt64 = 0xa076_1d64_78bd_642f
    private static let p1: UInt64 = 0xe703_7ed1_a0b4_28db

    /// 64×64→128-bit multiply, folded by xor.
    @inline(__always)
    private static func mix(_ a: UInt64, _ b: UInt64) -> UInt64 {
        let product = a.multipliedFullWidth(by: b)
        return product.high ^ product.low
    }

    @inline(__always)
    private static func read8(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt64.self))
    }

    @inline(__always)
    private static func read4(_ p: UnsafeRawPointer, _ offset: Int) -> UInt64 {
        UInt64(UInt32(littleEndian: p.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
    }

    /// The hash of `bytes` under `seed`.
    @inline(__always)
    static func hash(_ bytes: UnsafeRawBufferPointer, seed: UInt64) -> UInt64 {
        let length = bytes.count
        var seed = seed ^ mix(seed ^ p0, p1)
        var a: UInt64 = 0
        var b: UInt64 = 0
        if let p = bytes.baseAddress, length > 0 {
            if length <= 16 {
                if length >= 4 {
                    let shift = (length >> 3) << 2
                    a = (read4(p, 0) << 32) | read4(p, shift)
                    b = (read4(p, length - 4) << 32) | read4(p, length - 4 - shift)
                } else {
                    a = (UInt64(bytes[0]) << 16) | (UInt64(bytes[length >> 1]) << 8) | UInt64(bytes[length - 1])
                }
            } else {
                var offset = 0
                var left = length
                while left > 16 {
                    seed = mix(read8(p, offset) ^ p1, read8(p, offset + 8) ^ seed)
                    offset += 16
                    left -= 16
                }
                a = read8(p, length - 16)
                b = read8(p, length - 8)
            }
        }
        a ^= p1
        b ^= seed
        let product = a.multipliedFullWidth(by: b)
        return mix(product.low ^ p0 ^ UInt64(length), product.high ^ p1)
    }

    /// The hash of a string's UTF-8 bytes under `seed`.
    @inline(__always)
    static func hash(_ string: String, seed: UInt64) -> UInt64 {
        if let hash = string.utf8.withContiguousStorageIfAvailable({ hash(UnsafeRawBufferPointer($0), seed: seed) }) {
            return hash
        }
        return Array(string.utf8).withUnsafeBytes { hash($0, seed: seed) }
    }
}
