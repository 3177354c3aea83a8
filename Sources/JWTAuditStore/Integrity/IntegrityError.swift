/// An integrity operation that cannot run (a store that cannot be read, a block that is not
/// there, a chain that breaks while signing). Distinct from a verification that ran and found
/// damage, which is an ``IntegrityFailure``.
public struct IntegrityError: Error, CustomStringConvertible, Sendable {
    public var description: String

    public init(_ description: String) {
        self.description = description
    }
}
