/// A refused alert operation: an unknown id, a change that changes nothing, or bad input. The
/// message names the alert and the field, never event data.
public struct AlertStoreError: Error, CustomStringConvertible, Sendable, Hashable {
    /// Why the operation was refused. New codes may be added.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        private enum Base: String, Sendable, Hashable {
            case unknownAlert = "unknown_alert"
            case unchanged
            case invalidInput = "invalid_input"
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// No alert has the given id.
        public static let unknownAlert = Code(.unknownAlert)
        /// The alert already has the status or assignee asked for.
        public static let unchanged = Code(.unchanged)
        /// A name or text is empty, too long, or holds control characters.
        public static let invalidInput = Code(.invalidInput)

        public var description: String { base.rawValue }
    }

    /// Why.
    public var code: Code
    /// The alert concerned, when there is one.
    public var alertID: Int64?
    /// One sentence for the user.
    public var message: String

    /// Creates an error.
    public init(_ code: Code, alertID: Int64? = nil, _ message: String) {
        self.code = code
        self.alertID = alertID
        self.message = message
    }

    public var description: String { message }

    static func unknown(_ id: Int64) -> Self {
        AlertStoreError(.unknownAlert, alertID: id, "alert \(id) does not exist")
    }
}
