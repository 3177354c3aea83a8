/// Classifies JWS `alg` values.
enum Algorithm {
    /// `none` in any letter case.
    static func isNone(_ alg: String) -> Bool {
        alg.utf8.count == 4 && alg.lowercased() == "none"
    }

    /// HMAC: `HS256`, `HS384`, `HS512`.
    static func isHMAC(_ alg: String) -> Bool {
        alg.utf8.first == UInt8(ascii: "H") && alg.hasPrefix("HS")
    }

    /// Asymmetric: RSA, RSA-PSS, ECDSA and EdDSA.
    static func isAsymmetric(_ alg: String) -> Bool {
        alg.hasPrefix("RS") || alg.hasPrefix("PS") || alg.hasPrefix("ES") || alg == "EdDSA"
    }
}
