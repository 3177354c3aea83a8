/// Bounds the decoder enforces on every line.
public struct EventLimits: Sendable, Hashable {
    /// Longest accepted line in bytes, without its newline. Default 65,536.
    public var maxLineBytes: Int = 65_536
    /// Most entries in `attrs`, unknown top-level fields included. Default 64.
    public var maxAttributes: Int = 64
    /// Longest attribute name in bytes. Default 128.
    public var maxAttributeNameBytes: Int = 128
    /// Longest attribute value in bytes (compact JSON text for non-strings). Default 2,048.
    public var maxAttributeValueBytes: Int = 2_048
    /// Longest string field (other than `service`) in bytes. Default 8,192.
    public var maxStringBytes: Int = 8_192
    /// Deepest nesting of arrays and objects inside an unknown field. Default 16.
    public var maxNestingDepth: Int = 16

    public init() {}
}
