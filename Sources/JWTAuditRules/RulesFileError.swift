/// A rules file that was refused: every problem found in it, in line order.
///
/// Thrown by ``RulesFile/load(path:)`` and ``RulesFile/parse(text:path:)``. A caller that already runs
/// rules keeps them (the daemon does this on a reload).
public struct RulesFileError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The rules file's path.
    public var file: String
    /// Every problem, in line order; never empty.
    public var problems: [RulesProblem]

    /// Creates the error for `problems`.
    public init(file: String, problems: [RulesProblem]) {
        self.file = file
        self.problems = problems
    }

    /// One problem per line, each as `FILE:LINE: field PATH: message`.
    public var description: String {
        problems.map(\.description).joined(separator: "\n")
    }
}
