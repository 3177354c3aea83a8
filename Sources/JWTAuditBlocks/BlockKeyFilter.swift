import JWTAuditModel

/// A Bloom filter over the keys of one block, so that a search can skip blocks that cannot hold
/// a value without decompressing them.
///
/// Each key is tagged by its field, so `sub=x` does not match a block whose only `x` is a `jti`.
/// A filter never answers "no" for a key it holds (no false negatives); it answers "maybe" for a
/// few keys it does not hold (about 2 % at the default 8 bits per key).
///
/// The filter is persisted, so its hash is fixed across processes and versions: a wyhash-style
/// 64-bit hash of the value's UTF-8 bytes, seeded per field, and enhanced double hashing for the
/// probe positions. Serialized form, version 1:
///
/// ```
/// version:u8 (1) · probes:u8 (k) · bitCount:varint (m, a multiple of 8) · bits:(m/8 bytes)
/// ```
///
/// Bit `i` is bit `i % 8` of byte `i / 8`. A key's probes: with `h` its hash, `a = h`,
/// `b = rotate(h, 32) | 1`; for `j` in `0..<k`, the bit `(a >> 32) * m >> 32`, then
/// `a += b`, `b += j` (all wrapping).
public struct BlockKeyFilter: Sendable, Hashable {
    /// The fields a filter indexes. The raw value is the persisted tag: never renumber.
    public enum KeyField: UInt8, Sendable, Hashable, CaseIterable {
        /// `sub`.
        case subject = 1
        /// `jti`, and `parent_jti` too (a search for a token also finds its rotation).
        case tokenID = 2
        /// `client_ip`, as stored.
        case clientIP = 3
        /// `service`.
        case service = 4
        /// `token_fp`.
        case tokenFingerprint = 5
        /// `family`.
        case family = 6
    }

    /// The serialization version this build writes and reads.
    public static let formatVersion: UInt8 = 1

    /// The largest filter accepted from storage: 2^28 bits (32 MiB).
    public static let maxBitCount = 1 << 28

    private var bits: [UInt8]
    /// The number of probes per key, k.
    public private(set) var probes: Int

    /// The size of the filter in bits, m.
    public var bitCount: Int { bits.count * 8 }

    /// Builds a filter over the keys of `events`: `sub`, `jti` and `parent_jti`, `client_ip`,
    /// `service`, `token_fp` and `family`.
    ///
    /// Keys are deduplicated before sizing, so the filter takes about `bitsPerKey` bits per
    /// distinct key.
    public init(events: [AuditEvent], bitsPerKey: Int = 8) {
        var hashes = [UInt64]()
        hashes.reserveCapacity(events.count * 5)
        events.withUnsafeBufferPointer { events in
            for i in 0..<events.count {
                // Every value is hashed by its bytes: two spellings that Swift's `==` takes as
                // equal (composed and decomposed accents) are different keys here, as in storage.
                hashes.append(Self.hash(.service, events[i].service))
                if let value = events[i].subject { hashes.append(Self.hash(.subject, value)) }
                if let value = events[i].tokenID { hashes.append(Self.hash(.tokenID, value)) }
                if let value = events[i].parentTokenID { hashes.append(Self.hash(.tokenID, value)) }
                if let value = events[i].clientIP { hashes.append(Self.hash(.clientIP, value)) }
                if let value = events[i].tokenFingerprint { hashes.append(Self.hash(.tokenFingerprint, value)) }
                if let value = events[i].family { hashes.append(Self.hash(.family, value)) }
            }
        }
        self.init(hashes: hashes, bitsPerKey: bitsPerKey)
    }

    /// Builds a filter over explicit keys.
    public init(keys: [(field: KeyField, value: String)], bitsPerKey: Int = 8) {
        self.init(hashes: keys.map { Self.hash($0.field, $0.value) }, bitsPerKey: bitsPerKey)
    }

    private init(hashes: [UInt64], bitsPerKey: Int) {
        precondition((1...64).contains(bitsPerKey), "bitsPerKey must be 1...64")
        var hashes = hashes
        hashes.sort()
        var distinct = 0
        for hash in hashes where distinct == 0 || hashes[distinct - 1] != hash {
            hashes[distinct] = hash
            distinct += 1
        }
        // k = m/n · ln 2 minimises the false-positive rate.
        probes = max(1, min(16, Int((Double(bitsPerKey) * 0.6931).rounded())))
        let bitCount = distinct == 0 ? 0 : max(64, (distinct * bitsPerKey + 7) / 8 * 8)
        precondition(bitCount <= Self.maxBitCount, "too many keys for one filter")
        bits = [UInt8](repeating: 0, count: bitCount / 8)
        let m = UInt64(bitCount)
        let k = probes
        bits.withUnsafeMutableBufferPointer { bits in
            for hash in hashes[..<distinct] {
                var a = hash
                var b = (hash << 32 | hash >> 32) | 1
                for j in 0..<k {
                    let bit = Int(((a >> 32) &* m) >> 32)
                    bits[bit >> 3] |= 1 << UInt8(bit & 7)
                    a &+= b
                    b &+= UInt64(j)
                }
            }
        }
    }

    /// Whether the block may hold `value` in `field`. `false` is certain; `true` means "maybe".
    public func mightContain(_ field: KeyField, _ value: String) -> Bool {
        guard !bits.isEmpty else { return false }
        let hash = Self.hash(field, value)
        let m = UInt64(bitCount)
        var a = hash
        var b = (hash << 32 | hash >> 32) | 1
        for j in 0..<probes {
            let bit = Int(((a >> 32) &* m) >> 32)
            if bits[bit >> 3] & (1 << UInt8(bit & 7)) == 0 { return false }
            a &+= b
            b &+= UInt64(j)
        }
        return true
    }

    /// The persisted form (see the type's documentation).
    public var serialized: [UInt8] {
        var writer = ByteWriter(capacity: bits.count + 8)
        writer.write(Self.formatVersion)
        writer.write(UInt8(probes))
        writer.writeVarint(bitCount)
        writer.write(contentsOf: bits)
        return writer.bytes
    }

    /// Reads a filter written by ``serialized``.
    ///
    /// - Throws: ``BlockCodecError`` when the bytes are not a complete filter of a known version.
    public init(serialized: [UInt8]) throws(BlockCodecError) {
        let parsed = try serialized.withUnsafeBytes { raw in
            Result { () throws(BlockCodecError) -> (Int, Range<Int>) in
                var reader = ByteReader(raw)
                let version = try reader.readByte("filter version")
                guard version == Self.formatVersion else {
                    throw BlockCodecError(code: .unsupportedVersion, context: "filter version")
                }
                let probes = Int(try reader.readByte("filter probes"))
                guard (1...16).contains(probes) else { throw .corrupt("filter probes") }
                let bitCount = try reader.readVarint("filter size")
                guard bitCount <= UInt64(Self.maxBitCount) else { throw .limit("filter size") }
                guard bitCount % 8 == 0 else { throw .corrupt("filter size") }
                let range = try reader.take(Int(bitCount / 8), "filter bits")
                guard reader.isAtEnd else { throw .corrupt("filter trailing bytes") }
                return (probes, range)
            }
        }.get()
        probes = parsed.0
        bits = Array(serialized[parsed.1])
    }

    /// The persisted hash of one tagged key.
    static func hash(_ field: KeyField, _ value: String) -> UInt64 {
        StableHash.hash(value, seed: 0x9E37_79B9_7F4A_7C15 &* UInt64(field.rawValue))
    }
}
