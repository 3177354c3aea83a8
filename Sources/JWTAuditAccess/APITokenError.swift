/// A refused token operation. The message never holds a token.
public struct APITokenError: Error, CustomStringConvertible, Sendable, Hashable {
    /// Why the operation was refused. New codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case invalidName = "invalid_name"
            case duplicateName = "duplicate_name"
            case unknownToken = "unknown_token"
            case insecureFile = "insecure_file"
            case unreadableFile = "unreadable_file"
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The name is empty, too long, or holds characters other than letters, digits and `._-@`.
        public static let invalidName = Code(.invalidName)
        /// An active token already has the name.
        public static let duplicateName = Code(.duplicateName)
        /// No active token has the name.
        public static let unknownToken = Code(.unknownToken)
        /// The token file can be read or written by other users.
        public static let insecureFile = Code(.insecureFile)
        /// The token file cannot be opened or created (missing folder, permissions, full disk).
        public static let unreadableFile = Code(.unreadableFile)

        public var description: String { base.rawValue }
    }

    /// Why.
    public var code: Code
    /// One sentence for the user.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    public var description: String { message }
}
