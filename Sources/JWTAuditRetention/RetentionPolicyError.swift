/// A retention policy file that could not be read at all (missing, unreadable, or not JSON).
///
/// Problems with the contents of a readable file are not thrown: they are reported together by
/// ``RetentionPolicy/check()``.
public struct RetentionPolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unreadable
            case invalidJSON = "invalid JSON"
        }
        private let base: Base

        /// The file could not be opened or read.
        public static let unreadable = Code(base: .unreadable)
        /// The file is not well-formed JSON.
        public static let invalidJSON = Code(base: .invalidJSON)

        /// The code's name.
        public var description: String { base.rawValue }
    }

    /// What kind of failure this is.
    public var code: Code
    /// The policy file's path.
    public var file: String
    /// The 1-based line where reading stopped, when known.
    public var line: Int?
    /// Details.
    public var message: String

    /// `FILE:LINE: invalid JSON: message`.
    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        return "\(location): \(code): \(message)"
    }
}
