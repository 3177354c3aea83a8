/// An error of the load tools: the client, the sender, the load driver and the daemon harness.
///
/// A struct with an extensible ``Code`` (DESIGN's error style): new codes can be added without
/// breaking callers that switch over the known ones.
public struct LoadError: Error, Sendable, CustomStringConvertible {
    /// What kind of failure this is.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: Hashable, Sendable {
            case connectFailed, handshakeFailed, connectionLost, timeout, io, invalidArgument, daemonFailed
        }

        private let base: Base

        private init(_ base: Base) {
            self.base = base
        }

        /// The daemon's socket could not be reached.
        public static let connectFailed = Code(.connectFailed)
        /// The daemon did not answer the hello as the protocol says.
        public static let handshakeFailed = Code(.handshakeFailed)
        /// The connection closed or broke before every line was acknowledged.
        public static let connectionLost = Code(.connectionLost)
        /// The daemon made no progress for longer than the allowed time.
        public static let timeout = Code(.timeout)
        /// Reading or writing a file failed.
        public static let io = Code(.io)
        /// A setting is out of range.
        public static let invalidArgument = Code(.invalidArgument)
        /// The daemon process under test failed (did not start, did not stop, exited non-zero).
        public static let daemonFailed = Code(.daemonFailed)

        public var description: String {
            switch base {
            case .connectFailed: "connect_failed"
            case .handshakeFailed: "handshake_failed"
            case .connectionLost: "connection_lost"
            case .timeout: "timeout"
            case .io: "io"
            case .invalidArgument: "invalid_argument"
            case .daemonFailed: "daemon_failed"
            }
        }
    }

    /// What kind of failure this is.
    public var code: Code
    /// A sentence for a person: what failed, on which path, and the system's reason.
    public var message: String
    /// The `errno` behind the failure, when there is one.
    public var errno: Int32?

    /// Creates an error.
    public init(_ code: Code, _ message: String, errno: Int32? = nil) {
        self.code = code
        self.message = message
        self.errno = errno
    }

    public var description: String { message }
}
