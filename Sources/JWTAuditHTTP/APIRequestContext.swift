import Hummingbird
import NIOCore

/// The request context of the API: Hummingbird's core context and the client's address.
public struct APIRequestContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    /// The client's IP address, or `unknown` (never a port: rate limits are per address).
    public let remoteAddress: String
    /// Whether the client connected from a loopback address.
    public let isLoopback: Bool

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        let address = source.channel.remoteAddress
        remoteAddress = address?.ipAddress ?? "unknown"
        isLoopback = Self.isLoopback(remoteAddress)
    }

    /// Request bodies are small JSON objects.
    public var maxUploadSize: Int { 64 * 1024 }

    static func isLoopback(_ address: String) -> Bool {
        address.hasPrefix("127.") || address == "::1" || address.hasPrefix("::ffff:127.")
    }
}
