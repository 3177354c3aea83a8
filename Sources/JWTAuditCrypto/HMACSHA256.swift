import COpenSSL

/// HMAC-SHA256 (RFC 2104) under a fixed key, over libcrypto. The key's inner and outer pads are
/// hashed once at creation; each message then costs two digest copies and the hashing itself
/// (OpenSSL's one-shot `HMAC()` re-derives the pads on every call, about 2 µs).
public struct HMACSHA256: Sendable {
    private let pads: KeyedPads

    /// Creates an authenticator for `key`. The key never appears in a description.
    public init(key: [UInt8]) {
        precondition(!key.isEmpty, "an HMAC key must not be empty")
        pads = KeyedPads(key: key)
    }

    /// The 32-byte MAC of `message`.
    public func authenticate(_ message: UnsafeRawBufferPointer) -> [UInt8] {
        let context = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(context) }
        var inner = [UInt8](repeating: 0, count: 32)
        var mac = [UInt8](repeating: 0, count: 32)
        EVP_MD_CTX_copy_ex(context, pads.inner)
        EVP_DigestUpdate(context, message.baseAddress, message.count)
        inner.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(context, $0.baseAddress, nil) }
        EVP_MD_CTX_copy_ex(context, pads.outer)
        inner.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        mac.withUnsafeMutableBufferPointer { _ = EVP_DigestFinal_ex(context, $0.baseAddress, nil) }
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

/// SHA-256 states that have absorbed `key ⊕ ipad` and `key ⊕ opad`. Read-only after creation,
/// so concurrent copies are safe.
private final class KeyedPads: @unchecked Sendable {
    let inner: OpaquePointer
    let outer: OpaquePointer

    init(key: [UInt8]) {
        let blockSize = 64
        var block = key.count > blockSize ? SHA256.hash(key) : key
        block += [UInt8](repeating: 0, count: blockSize - block.count)
        inner = Self.absorb(block.map { $0 ^ 0x36 })
        outer = Self.absorb(block.map { $0 ^ 0x5c })
    }

    private static func absorb(_ pad: [UInt8]) -> OpaquePointer {
        let context = EVP_MD_CTX_new()!
        EVP_DigestInit_ex(context, EVP_sha256(), nil)
        pad.withUnsafeBytes { _ = EVP_DigestUpdate(context, $0.baseAddress, $0.count) }
        return context
    }

    deinit {
        EVP_MD_CTX_free(inner)
        EVP_MD_CTX_free(outer)
    }
}
