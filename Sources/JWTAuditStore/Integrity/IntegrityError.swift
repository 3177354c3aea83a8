/// An integrity operation that cannot run (a store that cannot be read, a block that is not
/// there, a chain that breaks while signing). Distinct from a verification that ran and found
/// damage, which is an ``IntegrityFailure``.
public struct IntegrityError: Error, CustomStringConvertible, Sendable {
    /// What cannot be done, and why.
    public var description: String

    /// An error that says `description`.
    public init(_ description: String) {
        self.description = description
    }
}
