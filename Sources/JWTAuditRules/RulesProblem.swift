/// One thing wrong with a rules file, with where it is.
public struct RulesProblem: Sendable, Hashable, CustomStringConvertible {
    /// The rules file's path, as given to ``RulesFile/load(path:)``.
    public var file: String
    /// The 1-based line of the offending key or value (of the enclosing mapping when a required key is
    /// missing); `nil` when the file could not be read at all.
    public var line: Int?
    /// The field path, such as `rules.brute_force_signature.services.payments.threshold` or
    /// `custom[0].match.outcome` (list indexes count from 0); `nil` for problems of the whole file,
    /// such as invalid YAML.
    public var field: String?
    /// What is wrong, in words.
    public var message: String

    /// Creates a problem.
    public init(file: String, line: Int?, field: String?, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.message = message
    }

    /// `FILE:LINE: field PATH: message` (`FILE:LINE: message` without a field, `FILE: message` without a line).
    public var description: String {
        let location = line.map { "\(file):\($0)" } ?? file
        let field = field.map { "field \($0): " } ?? ""
        return "\(location): \(field)\(message)"
    }
}
