/// A bad `outputs` entry in the daemon's configuration file: `FILE:LINE: field F: message`.
///
/// Messages name the field and what is wrong with it, never the value given (a header value or a
/// URL may carry a credential).
public struct OutputConfigurationError: Error, Sendable, CustomStringConvertible {
    /// The whole message.
    public var description: String

    /// An error with its complete message.
    public init(description: String) {
        self.description = description
    }
}
