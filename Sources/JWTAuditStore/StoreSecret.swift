import JWTAuditCrypto

/// The per-store secret under which `token_fp` is computed. Created at first start as a 0600
/// file; a key file that other users can read is refused.
public enum StoreSecret {
    static let byteCount = 32

    /// Loads the token-fingerprint secret of `directory`, creating it on first use.
    public static func tokenFingerprintKey(in directory: DataDirectory) throws -> [UInt8] {
        try loadOrCreate(directory.secretsPath + "/token-fingerprint.key")
    }

    static func loadOrCreate(_ path: String) throws -> [UInt8] {
        if !FileSystem.exists(path) {
            try FileSystem.createExclusive(path, bytes: SecureRandom.bytes(byteCount), mode: 0o600)
        }
        let mode = try FileSystem.mode(path)
        if mode & 0o077 != 0 {
            throw FileSystem.Failure(
                description: "\(path) is readable or writable by other users (mode \(String(mode, radix: 8))); "
                    + "refusing to use it: run chmod 600 \(path)")
        }
        let key = try FileSystem.read(path)
        guard key.count == byteCount else {
            throw FileSystem.Failure(description: "\(path) does not hold a \(byteCount)-byte key")
        }
        return key
    }
}
