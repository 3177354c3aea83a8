#if canImport(Glibc)
    import Glibc
#elseif canImport(Musl)
    import Musl
#elseif canImport(Darwin)
    import Darwin
#endif

/// Checks IP address text with the C library's `inet_pton`.
enum IPAddress {
    /// Whether `bytes` is an IPv4 address in dotted-decimal form or an IPv6 address in any
    /// RFC 4291 text form (zone ids such as `%eth0` are not accepted).
    static func isValid(_ bytes: UnsafeRawBufferPointer) -> Bool {
        // INET6_ADDRSTRLEN is 46 with the terminating NUL.
        guard !bytes.isEmpty, bytes.count <= 45 else { return false }
        var isIPv6 = false
        for byte in bytes {
            if byte == UInt8(ascii: ":") { isIPv6 = true }
            if byte == 0 { return false }
        }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { text in
            let raw = UnsafeMutableRawBufferPointer(text)
            raw.copyMemory(from: bytes)
            text[bytes.count] = 0
            return withUnsafeTemporaryAllocation(of: UInt8.self, capacity: 16) { address in
                inet_pton(isIPv6 ? AF_INET6 : AF_INET, text.baseAddress, address.baseAddress) == 1
            }
        }
    }

    /// Whether `text` is a valid IPv4 or IPv6 address.
    static func isValid(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isValid(UnsafeRawBufferPointer($0)) }
    }
}
