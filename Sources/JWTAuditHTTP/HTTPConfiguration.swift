/// Where and how the HTTP API listens.
public struct HTTPConfiguration: Sendable, Hashable {
    /// The address to bind. Default `127.0.0.1` (loopback only).
    public var host: String
    /// The port; 0 lets the system choose one (logged as `http.address`). Default 8088.
    public var port: Int
    /// Whether `/metrics` answers without a token to clients connecting from a loopback address
    /// (other clients still need a token). Default false: a token is required.
    public var metricsWithoutTokenOnLoopback: Bool
    /// Failed authentications allowed per remote address per minute; the next request gets 429.
    /// Default 10.
    public var failuresPerMinute: Int
    /// The retention policy compliance reports are judged against (`serve --retention`); nil for none.
    public var retentionPolicyPath: String?
    /// The external checkpoint file reports verify against; nil for none.
    public var checkpointFile: String?

    /// A configuration; the defaults bind `127.0.0.1:8088`.
    public init(
        host: String = "127.0.0.1", port: Int = 8088, metricsWithoutTokenOnLoopback: Bool = false,
        failuresPerMinute: Int = 10
    ) {
        self.host = host
        self.port = port
        self.metricsWithoutTokenOnLoopback = metricsWithoutTokenOnLoopback
        self.failuresPerMinute = failuresPerMinute
    }

    /// Reads `ADDR:PORT` (`[::1]:8088` for IPv6); `off` gives nil. Throws a message for anything else.
    public static func parseListen(_ text: String) throws(ParseError) -> (host: String, port: Int)? {
        if text == "off" { return nil }
        guard let colon = text.lastIndex(of: ":") else { throw ParseError(text: text) }
        var host = String(text[..<colon])
        guard let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else {
            throw ParseError(text: text)
        }
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }) else { throw ParseError(text: text) }
        return (host, port)
    }

    /// A listen address that is not `ADDR:PORT` or `off`.
    public struct ParseError: Error, CustomStringConvertible {
        /// What was given.
        public var text: String

        public var description: String { "expected ADDR:PORT (127.0.0.1:8088, [::1]:8088) or off, not \(text)" }
    }
}
