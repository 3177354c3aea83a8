import Glibc
import JWTAuditCrypto

/// The store's checkpoint signing key: `DATA/secrets/checkpoint-signing.key`, the 32-byte Ed25519
/// seed (mode 0600; a file that group or others may read is refused). Created at first start;
/// replaced by ``rotate(in:now:)``. Every public key ever used stays in ``CheckpointStore``'s
/// `signing_keys`, so older checkpoints stay verifiable.
public enum CheckpointKeys {
    /// The key file of `directory`.
    public static func path(in directory: DataDirectory) -> String {
        directory.secretsPath + "/checkpoint-signing.key"
    }

    /// Loads the signing key, creating it on first use, and records its public key as current.
    public static func loadOrCreate(in directory: DataDirectory, now: Int64) throws -> Ed25519PrivateKey {
        try directory.prepare()
        let key = try Ed25519PrivateKey(seed: StoreSecret.loadOrCreate(path(in: directory)))
        try CheckpointStore(directory: directory).adopt(key.publicKey, now: now)
        return key
    }

    /// The current signing key, without creating one.
    public static func current(in directory: DataDirectory) throws -> Ed25519PrivateKey {
        let path = path(in: directory)
        guard FileSystem.exists(path) else {
            throw FileSystem.Failure(
                description: "\(path) does not exist: the daemon creates it at first start")
        }
        return try Ed25519PrivateKey(seed: StoreSecret.loadOrCreate(path))
    }

    /// Replaces the signing key with a new one. The old public key stays recorded (retired now),
    /// the old private key is destroyed. Refused while a daemon runs on the folder, because the
    /// daemon reads the key at start.
    public static func rotate(
        in directory: DataDirectory, now: Int64
    ) throws -> (retired: Ed25519PublicKey?, current: Ed25519PublicKey) {
        try directory.prepare()
        guard let lock = try FileSystem.tryLockDaemon(directory) else {
            throw FileSystem.Failure(
                description: "a daemon is running on \(directory.root): stop it before rotating the key "
                    + "(it reads the key at start)")
        }
        defer { close(lock) }
        let store = try CheckpointStore(directory: directory)
        let path = path(in: directory)
        var retired: Ed25519PublicKey?
        if FileSystem.exists(path) {
            let old = try current(in: directory)
            try store.adopt(old.publicKey, now: now)
            retired = old.publicKey
        }
        let (key, seed) = Ed25519PrivateKey.generate()
        let staging = path + ".new"
        unlink(staging)
        try FileSystem.createExclusive(staging, bytes: seed, mode: 0o600)
        try store.adopt(key.publicKey, now: now)
        try FileSystem.replace(path, with: staging, folder: directory.secretsPath)
        return (retired, key.publicKey)
    }
}
