import COpenSSL

/// HMAC-SHA256 under a fixed key, over libcrypto.
public struct HMACSHA256: Sendable {
    private let key: [UInt8]

    /// Creates an authenticator for `key`. The key never appears in a description.
    public init(key: [UInt8]) {
        precondition(!key.isEmpty, "an HMAC key must not be empty")
        self.key = key
    }

    /// The 32-byte MAC of `message`.
    public func authenticate(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        var mac = [UInt8](repeating: 0, count: 32)
        var length: UInt32 = 0
        key.withUnsafeBytes { keyBytes in
            mac.withUnsafeMutableBytes { out in
                _ = HMAC(
                    EVP_sha256(), keyBytes.baseAddress, Int32(keyBytes.count),
                    message.baseAddress?.assumingMemoryBound(to: UInt8.self), message.count,
                    out.baseAddress!.assumingMemoryBound(to: UInt8.self), &length)
            }
        }
        return mac
    }

    /// The 32-byte MAC of `message`.
    public func authenticate(_ message: [UInt8]) -> [UInt8] {
        message.withUnsafeBytes { authenticate($0) }
    }
}

extension HMACSHA256: CustomStringConvertible {
    public var description: String { "HMACSHA256(key: <redacted>)" }
}
