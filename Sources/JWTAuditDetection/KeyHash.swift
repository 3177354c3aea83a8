/// 64-bit hashes of key values: tables keyed by millions of IPs or jtis keep 8 bytes per key
/// instead of a string. The text of a key is taken from the event when an alert fires.
enum KeyHash {
    @inline(__always)
    static func of(_ value: String) -> Int {
        var hasher = Hasher()
        hasher.combine(value)
        return hasher.finalize()
    }

    @inline(__always)
    static func of(_ first: String, _ second: String) -> Int {
        var hasher = Hasher()
        hasher.combine(first)
        hasher.combine(0xFF as UInt8)
        hasher.combine(second)
        return hasher.finalize()
    }
}
