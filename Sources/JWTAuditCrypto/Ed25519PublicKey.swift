import COpenSSL

/// An Ed25519 verification key (RFC 8032) over libcrypto, with its PEM form (RFC 8410
/// SubjectPublicKeyInfo, as `openssl pkey -pubout` writes it) and a short key id.
public struct Ed25519PublicKey: Sendable, Hashable {
    /// The 32 bytes of the key.
    public let rawRepresentation: [UInt8]
    private let key: EVPKey

    /// DER of the SubjectPublicKeyInfo header for Ed25519 (OID 1.3.101.112), before the 32 key bytes.
    static let spkiPrefix: [UInt8] = [0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00]

    /// The key of 32 raw bytes.
    public init(rawRepresentation: [UInt8]) throws {
        key = try EVPKey.ed25519Public(raw: rawRepresentation)
        self.rawRepresentation = rawRepresentation
    }

    /// The key of one PEM `PUBLIC KEY` block, or of one line of base64 holding the 32 raw bytes.
    public init(text: String) throws {
        let keys = try Self.keys(in: text)
        guard keys.count == 1 else { throw CryptoError("expected one Ed25519 public key, found \(keys.count)") }
        self = keys[0]
    }

    /// Every key in `text`: PEM `PUBLIC KEY` blocks and lines of base64 of 32 raw bytes; blank
    /// lines and lines starting with `#` are skipped.
    public static func keys(in text: String) throws -> [Ed25519PublicKey] {
        var keys: [Ed25519PublicKey] = []
        var pem: String?
        for rawLine in text.split(whereSeparator: \.isNewline) {
            let line = String(rawLine.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line == "-----BEGIN PUBLIC KEY-----" {
                pem = ""
            } else if line == "-----END PUBLIC KEY-----" {
                guard let body = pem, let der = Base64.decode(body) else {
                    throw CryptoError("a PEM PUBLIC KEY block is not valid base64")
                }
                guard der.count == 44, Array(der.prefix(12)) == spkiPrefix else {
                    throw CryptoError("a PEM PUBLIC KEY block does not hold an Ed25519 key")
                }
                keys.append(try Ed25519PublicKey(rawRepresentation: Array(der.suffix(32))))
                pem = nil
            } else if pem != nil {
                pem! += line
            } else if line.hasPrefix("-----") {
                throw CryptoError("unexpected PEM line \(line.prefix(40)): only PUBLIC KEY blocks are read")
            } else {
                guard let raw = Base64.decode(line), raw.count == 32 else {
                    throw CryptoError("a line is neither PEM nor base64 of a 32-byte Ed25519 public key")
                }
                keys.append(try Ed25519PublicKey(rawRepresentation: raw))
            }
        }
        if pem != nil { throw CryptoError("a PEM PUBLIC KEY block has no END line") }
        return keys
    }

    /// The key as a PEM `PUBLIC KEY` block (ends with a newline).
    public var pem: String {
        "-----BEGIN PUBLIC KEY-----\n" + Base64.encode(Self.spkiPrefix + rawRepresentation)
            + "\n-----END PUBLIC KEY-----\n"
    }

    /// The first 8 bytes of SHA-256 of the raw key, as 16 hex digits: names the key in checkpoints.
    public var keyID: String { Hex.encode(SHA256.hash(rawRepresentation).prefix(8)) }

    /// Whether `signature` is a valid Ed25519 signature of `message` under this key.
    public func isValidSignature(_ signature: [UInt8], for message: [UInt8]) -> Bool {
        guard signature.count == 64 else { return false }
        let context = EVP_MD_CTX_new()
        defer { EVP_MD_CTX_free(context) }
        guard EVP_DigestVerifyInit(context, nil, nil, nil, key.pointer) == 1 else { return false }
        return signature.withUnsafeBufferPointer { signature in
            message.withUnsafeBufferPointer { message in
                EVP_DigestVerify(context, signature.baseAddress, signature.count, message.baseAddress, message.count)
            }
        } == 1
    }

    public static func == (lhs: Ed25519PublicKey, rhs: Ed25519PublicKey) -> Bool {
        lhs.rawRepresentation == rhs.rawRepresentation
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(rawRepresentation)
    }
}
