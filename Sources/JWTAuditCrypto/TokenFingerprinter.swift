/// Computes `token_fp`: the first 16 bytes of HMAC-SHA256 of the raw token under the store's
/// secret, as 32 hex digits. Keyed, so a fingerprint cannot be checked against a guessed token
/// by someone who holds only the store.
public struct TokenFingerprinter: Sendable {
    /// How many bytes of the MAC the fingerprint keeps.
    public static let byteCount = 16

    private let mac: HMACSHA256

    /// Creates a fingerprinter for the store secret `secret`.
    public init(secret: [UInt8]) {
        mac = HMACSHA256(key: secret)
    }

    /// The fingerprint of `token`.
    public func fingerprint(_ token: UnsafeRawBufferPointer) -> String {
        Hex.encode(mac.authenticate(token).prefix(Self.byteCount))
    }

    /// The fingerprint of `token`.
    public func fingerprint(_ token: String) -> String {
        var token = token
        return token.withUTF8 { fingerprint(UnsafeRawBufferPointer($0)) }
    }
}
