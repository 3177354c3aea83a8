/// Why ``Deflate/decompress(_:expectedSize:maxOutputBytes:)`` refused its input.
public struct DeflateError: Error, Sendable, Hashable, CustomStringConvertible {
    /// What kind of problem this is. New codes may be added later.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        enum Base: Sendable, Hashable {
            case corruptData, truncated, outputTooLarge, sizeMismatch, trailingData, zlibFailure
        }

        let base: Base

        /// zlib found the stream invalid (bad header, bad code, checksum mismatch).
        public static let corruptData = Code(base: .corruptData)
        /// The stream ends before its final block.
        public static let truncated = Code(base: .truncated)
        /// The output would exceed the caller's cap (a decompression bomb, or a wrong size).
        public static let outputTooLarge = Code(base: .outputTooLarge)
        /// The stream decompressed to a size other than the expected one.
        public static let sizeMismatch = Code(base: .sizeMismatch)
        /// Bytes follow the end of the zlib stream.
        public static let trailingData = Code(base: .trailingData)
        /// zlib itself failed (out of memory, version mismatch).
        public static let zlibFailure = Code(base: .zlibFailure)

        public var description: String {
            switch base {
            case .corruptData: "corrupt data"
            case .truncated: "truncated stream"
            case .outputTooLarge: "output too large"
            case .sizeMismatch: "size mismatch"
            case .trailingData: "trailing data"
            case .zlibFailure: "zlib failure"
            }
        }
    }

    /// What went wrong.
    public let code: Code
    /// zlib's own message (`z_stream.msg`) or the return code, when there is one.
    public let detail: String?

    init(_ code: Code, detail: String? = nil) {
        self.code = code
        self.detail = detail
    }

    public var description: String {
        if let detail { return "deflate: \(code): \(detail)" }
        return "deflate: \(code)"
    }
}
