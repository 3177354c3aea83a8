/// A key that cannot be read or used, or a libcrypto call that failed. The description never
/// contains key material.
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    /// What went wrong, without key bytes.
    public var description: String

    /// An error that says `description`.
    public init(_ description: String) {
        self.description = description
    }
}
