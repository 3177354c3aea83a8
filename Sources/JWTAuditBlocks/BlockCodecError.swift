/// Why a block (or a serialized ``BlockKeyFilter``) could not be decoded.
///
/// The description names the part of the block at fault and never any event data, so it is safe
/// to log.
public struct BlockCodecError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. New codes may be added later.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Sendable, Hashable {
            case truncated, corrupt, unsupportedVersion, limitExceeded, compression
        }

        let base: Base

        /// The input ends before the structure it announced.
        public static let truncated = Code(base: .truncated)
        /// A value is out of range or inconsistent with the rest of the block.
        public static let corrupt = Code(base: .corrupt)
        /// The block (or filter) was written by a format version this build does not read.
        public static let unsupportedVersion = Code(base: .unsupportedVersion)
        /// A count or size is above the decoder's hard limits.
        public static let limitExceeded = Code(base: .limitExceeded)
        /// The zlib stream inside the block is damaged.
        public static let compression = Code(base: .compression)

        public var description: String {
            switch base {
            case .truncated: "truncated"
            case .corrupt: "corrupt"
            case .unsupportedVersion: "unsupported version"
            case .limitExceeded: "limit exceeded"
            case .compression: "compression"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// Which part of the block was being read (a column or header field name; never a value).
    public let context: String
    /// The zlib error underneath, for ``Code-swift.struct/compression``.
    public let underlying: DeflateError?

    init(code: Code, context: String, underlying: DeflateError? = nil) {
        self.code = code
        self.context = context
        self.underlying = underlying
    }

    public var description: String {
        var text = "block codec: \(code) (\(context))"
        if let underlying { text += ": \(underlying)" }
        return text
    }

    static func truncated(_ what: StaticString) -> Self { Self(code: .truncated, context: "\(what)") }
    static func corrupt(_ what: StaticString) -> Self { Self(code: .corrupt, context: "\(what)") }
    static func limit(_ what: StaticString) -> Self { Self(code: .limitExceeded, context: "\(what)") }
}
