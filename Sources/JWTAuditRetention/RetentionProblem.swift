/// One thing wrong with a retention policy file, with where it is.
public struct RetentionProblem: Sendable, Hashable, CustomStringConvertible {
    /// How serious a problem is.
    public enum Severity: String, Sendable, Hashable {
        /// The file is refused: `retention check` exits 1 and the daemon does not start.
        case error
        /// Worth a look, but the file is accepted.
        case warning
    }

    /// Error or warning.
    public var severity: Severity
    /// The policy file's path, as given to ``RetentionPolicy/load(path:)``.
    public var file: String
    /// The 1-based line of the offending key (or of the enclosing object when a key is missing).
    public var line: Int
    /// The field path, such as `policies[1].keep_days` (array indexes count from 0).
    public var field: String
    /// What is wrong, in words; never contains a secret.
    public var message: String

    /// Creates a problem.
    public init(severity: Severity, file: String, line: Int, field: String, message: String) {
        self.severity = severity
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `FILE:LINE: field PATH: message`, or `FILE:LINE: warning: field PATH: message`.
    public var description: String {
        let mark = severity == .warning ? "warning: " : ""
        return "\(file):\(line): \(mark)field \(field): \(message)"
    }
}
