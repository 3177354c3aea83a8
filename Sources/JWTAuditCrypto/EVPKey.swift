import COpenSSL

/// Owns one libcrypto `EVP_PKEY`. Read-only after creation; libcrypto allows concurrent use of
/// a key with separate digest contexts.
final class EVPKey: @unchecked Sendable {
    let pointer: OpaquePointer

    private init(_ pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit {
        EVP_PKEY_free(pointer)
    }

    /// An Ed25519 private key from its 32-byte seed.
    static func ed25519Private(seed: [UInt8]) throws -> EVPKey {
        guard seed.count == 32 else { throw CryptoError("an Ed25519 private key is 32 bytes, not \(seed.count)") }
        let key = seed.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let key else { throw CryptoError("libcrypto refused the Ed25519 private key") }
        return EVPKey(key)
    }

    /// An Ed25519 public key from its 32 bytes.
    static func ed25519Public(raw: [UInt8]) throws -> EVPKey {
        guard raw.count == 32 else { throw CryptoError("an Ed25519 public key is 32 bytes, not \(raw.count)") }
        let key = raw.withUnsafeBufferPointer {
            EVP_PKEY_new_raw_public_key(EVP_PKEY_ED25519, nil, $0.baseAddress, $0.count)
        }
        guard let key else { throw CryptoError("libcrypto refused the Ed25519 public key") }
        return EVPKey(key)
    }

    /// The 32 raw bytes of the public half.
    func rawPublicKey() -> [UInt8] {
        var out = [UInt8](repeating: 0, count: 32)
        var length = 32
        let status = out.withUnsafeMutableBufferPointer {
            EVP_PKEY_get_raw_public_key(pointer, $0.baseAddress, &length)
        }
        precondition(status == 1 && length == 32, "EVP_PKEY_get_raw_public_key failed")
        return out
    }
}
