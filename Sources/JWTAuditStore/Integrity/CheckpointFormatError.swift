/// A checkpoint that cannot be read: what is wrong with it.
public struct CheckpointFormatError: Error, CustomStringConvertible, Sendable {
    /// What is wrong, naming the field.
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
