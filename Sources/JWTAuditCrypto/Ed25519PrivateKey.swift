import COpenSSL

/// An Ed25519 signing key (RFC 8032) over libcrypto. Stored as its 32-byte seed; the seed never
/// appears in a description or an error.
public struct Ed25519PrivateKey: Sendable {
    private let key: EVPKey
    /// The matching public key.
    public let publicKey: Ed25519PublicKey

    /// The key whose RFC 8032 seed (the "private key" of the RFC's test vectors) is `seed`.
    public init(seed: [UInt8]) throws {
        key = try EVPKey.ed25519Private(seed: seed)
        publicKey = try Ed25519PublicKey(rawRepresentation: key.rawPublicKey())
    }

    /// A new random key, and its seed (to be stored by the caller, mode 0600).
    public static func generate() -> (key: Ed25519PrivateKey, seed: [UInt8]) {
        let seed = SecureRandom.bytes(32)
        do {
            return (try Ed25519PrivateKey(seed: seed), seed)
        } catch {
            preconditionFailure("libcrypto refused a random Ed25519 seed: \(error)")
        }
    }

    /// The 64-byte signature of `message` (pure Ed25519: the message itself is signed, not a digest).
    public func signature(for message: [UInt8]) -> [UInt8] {
        let context = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(context) }
        var signature = [UInt8](repeating: 0, count: 64)
        var length = 64
        let status = message.withUnsafeBufferPointer { input in
            signature.withUnsafeMutableBufferPointer { output in
                guard EVP_DigestSignInit(context, nil, nil, nil, key.pointer) == 1 else { return Int32(0) }
                return EVP_DigestSign(context, output.baseAddress, &length, input.baseAddress, input.count)
            }
        }
        precondition(status == 1 && length == 64, "Ed25519 signing failed in libcrypto")
        return signature
    }
}

extension Ed25519PrivateKey: CustomStringConvertible {
    public var description: String { "Ed25519PrivateKey(<redacted>, key id \(publicKey.keyID))" }
}
