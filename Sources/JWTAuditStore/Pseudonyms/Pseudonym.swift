import JWTAuditCrypto

/// How a clear value becomes its stored pseudonym, and how the key table finds its key.
///
/// A value X of field F has its own random 32-byte key K (kept in the key table). The table row is
/// found by `lookup = HMAC-SHA256(master, F || 0x00 || X)`; the stored value is
/// `ps:` + base64url of the first 15 bytes (120 bits) of `HMAC-SHA256(K, X)`, 23 characters.
/// Deleting the row (``PseudonymVault/delete(lookup:)``) destroys K: from then on nobody, not even
/// someone holding the master secret and the whole data folder, can compute X's old pseudonym.
public enum Pseudonym {
    /// What every pseudonym starts with, so that a reader (and search) tells it from a clear value.
    public static let prefix = "ps:"
    /// Bytes of the MAC kept: 120 bits make a collision among even billions of values negligible.
    static let macBytes = 15
    /// Length of a per-value key.
    static let keyBytes = 32

    /// Whether `text` has the shape of a pseudonym.
    public static func isPseudonym(_ text: String) -> Bool {
        text.utf8.count == prefix.utf8.count + 20 && text.hasPrefix(prefix)
    }

    /// The key-table index of `value` in `field` under the master secret.
    static func lookup(_ master: HMACSHA256, _ field: PseudonymField, _ value: String) -> [UInt8] {
        var message = Array(field.rawValue.utf8)
        message.append(0)
        message += value.utf8
        return master.authenticate(message)
    }

    /// The pseudonym of `value` under its key.
    public static func make(key: [UInt8], value: String) -> String {
        let mac = HMACSHA256(key: key).authenticate(Array(value.utf8))
        return prefix + base64URL(mac.prefix(macBytes))
    }

    /// Unpadded base64url (15 bytes make exactly 20 characters).
    private static func base64URL(_ bytes: ArraySlice<UInt8>) -> String {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_".utf8)
        var out: [UInt8] = []
        out.reserveCapacity((bytes.count * 4 + 2) / 3)
        var accumulator: UInt32 = 0
        var bits = 0
        for byte in bytes {
            accumulator = accumulator << 8 | UInt32(byte)
            bits += 8
            while bits >= 6 {
                bits -= 6
                out.append(alphabet[Int((accumulator >> UInt32(bits)) & 63)])
            }
        }
        if bits > 0 { out.append(alphabet[Int((accumulator << UInt32(6 - bits)) & 63)]) }
        return String(decoding: out, as: UTF8.self)
    }
}
