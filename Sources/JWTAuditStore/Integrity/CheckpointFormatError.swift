/// A checkpoint that cannot be read: what is wrong with it.
public struct CheckpointFormatError: Error, CustomStringConvertible, Sendable {
    public var description: String

    init(_ description: String) {
        self.description = description
    }
}
