/// A client of the daemon's acknowledged mode (DESIGN section 2) over blocking-style POSIX I/O.
///
/// It connects, sends the hello `{"hello":{"version":1,"ack":true,"client":"NAME"}}`, checks the
/// answer `{"hello":{"version":1,"max_line":N}}`, then writes event lines (raw bytes, each ending
/// in `\n`) while it reads the daemon's `{"ack":N}` and `{"error":{...}}` replies on the same
/// connection. Reading and writing are multiplexed with `poll()`, so a send of any size cannot
/// deadlock against a daemon that answers while it receives.
///
/// Not thread-safe: use one client from one thread at a time (one per connection). The callbacks
/// run on that thread, inside ``write(_:)``, ``writeSome(_:timeout:)`` and the wait methods.
public final class AcknowledgedClient {
    /// The socket path.
    public var socketPath: String { connection.path }
    /// The `hello.client` name (the producer, for the daemon's `seq` deduplication).
    public let clientName: String
    /// The longest event line the daemon accepts (`max_line` of its hello), in bytes.
    public let maxLineBytes: Int
    /// The highest `{"ack":N}` received: the first N event lines are stored or rejected.
    public private(set) var acknowledgedLines = 0
    /// Number of `{"error":...}` replies received.
    public private(set) var rejectedLines = 0
    /// Longest time without any reply while waiting for acks. Default 60 seconds.
    public var idleTimeout: Duration
    /// Called with N for every `{"ack":N}` that raises ``acknowledgedLines``.
    public var onAck: ((Int) -> Void)?
    /// Called for every `{"error":...}` reply.
    public var onError: ((ServerError) -> Void)?
    /// Whether the daemon closed the connection.
    public var isClosedByPeer: Bool { connection.peerClosed }

    private let connection: UnixStreamConnection

    /// Connects to the daemon at `socketPath` and completes the hello.
    ///
    /// - Parameters:
    ///   - clientName: the `hello.client` name; a stable name lets the daemon drop events it already
    ///     stored when they are resent with the same `seq`.
    ///   - helloTimeout: how long to wait for the daemon's hello. Default 10 seconds.
    ///   - idleTimeout: see ``idleTimeout``.
    /// - Throws: ``LoadError`` with code `connectFailed` (the path and the system's reason in the
    ///   message) or `handshakeFailed`.
    public init(
        socketPath: String,
        clientName: String,
        helloTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60)
    ) throws {
        self.clientName = clientName
        self.idleTimeout = idleTimeout
        let connection = try UnixStreamConnection(path: socketPath)
        self.connection = connection
        var hello = ByteWriter(capacity: 64 + clientName.utf8.count)
        hello.append(#"{"hello":{"version":1,"ack":true,"client":"#)
        hello.appendJSONString(clientName)
        hello.append("}}\n")
        let deadline = MonotonicClock.nanoseconds() + Self.nanoseconds(helloTimeout)
        var offset = 0
        try hello.bytes.withUnsafeBytes { raw in
            while offset < raw.count {
                let timeout = MonotonicClock.milliseconds(untilNanoseconds: deadline)
                if timeout == 0 { break }
                offset += try connection.writeSome(
                    UnsafeRawBufferPointer(rebasing: raw[offset...]),
                    timeoutMillis: timeout
                )
            }
        }
        var reply: ServerReply?
        while reply == nil {
            if let line = connection.nextLine() {
                reply = ServerReply.parse(line)
                break
            }
            if connection.peerClosed {
                throw LoadError(
                    .handshakeFailed,
                    "the daemon at \(socketPath) closed the connection without answering the hello"
                )
            }
            let timeout = MonotonicClock.milliseconds(untilNanoseconds: deadline)
            if timeout == 0 {
                throw LoadError(
                    .handshakeFailed,
                    "no hello reply from \(socketPath) within \(helloTimeout) (is it a jwtaudit daemon?)"
                )
            }
            try connection.waitForInput(timeoutMillis: timeout)
        }
        switch reply {
        case .hello(let version, let maxLine) where version == 1:
            maxLineBytes = maxLine
        case .hello(let version, _):
            throw LoadError(.handshakeFailed, "the daemon at \(socketPath) speaks protocol version \(version), not 1")
        case .error(let error):
            throw LoadError(.handshakeFailed, "the daemon at \(socketPath) refused the hello: \(error.summary)")
        default:
            throw LoadError(.handshakeFailed, "the daemon at \(socketPath) answered the hello with something else")
        }
        try handleReplies()
    }

    /// Closes the connection.
    public func close() {
        connection.close()
    }

    /// Writes all of `bytes`, handling replies as they come.
    public func write(_ bytes: [UInt8]) throws {
        try bytes.withUnsafeBytes { try write($0) }
    }

    /// Writes all of `buffer`, handling replies as they come.
    ///
    /// - Throws: ``LoadError`` `connectionLost` when the daemon closes or breaks the connection,
    ///   `timeout` when it takes nothing for ``idleTimeout``.
    public func write(_ buffer: UnsafeRawBufferPointer) throws {
        var offset = 0
        var lastProgress = MonotonicClock.nanoseconds()
        let idle = Self.nanoseconds(idleTimeout)
        while offset < buffer.count {
            let written = try writeSome(
                UnsafeRawBufferPointer(rebasing: buffer[offset...]),
                timeout: .milliseconds(500)
            )
            let now = MonotonicClock.nanoseconds()
            if written > 0 {
                offset += written
                lastProgress = now
            } else if now - lastProgress > idle {
                throw LoadError(
                    .timeout,
                    "the daemon at \(socketPath) took no data for \(idleTimeout); giving up"
                )
            }
        }
    }

    /// Waits up to `timeout` until the socket takes data, handles any replies that arrived, and
    /// writes as much of `buffer` as the socket takes at once. Returns the bytes written (0 when
    /// the wait ended with only replies or nothing).
    public func writeSome(_ buffer: UnsafeRawBufferPointer, timeout: Duration) throws -> Int {
        let written = try connection.writeSome(buffer, timeoutMillis: Self.milliseconds(timeout))
        try handleReplies()
        return written
    }

    /// Waits up to `timeout` for replies and handles those that came.
    public func processReplies(timeout: Duration) throws {
        try connection.waitForInput(timeoutMillis: Self.milliseconds(timeout))
        try handleReplies()
    }

    /// Waits until ``acknowledgedLines`` reaches `lines`.
    ///
    /// - Throws: ``LoadError`` `connectionLost` when the daemon closes the connection first,
    ///   `timeout` when no reply comes for ``idleTimeout``.
    public func waitForAcknowledgement(of lines: Int) throws {
        var lastProgress = MonotonicClock.nanoseconds()
        let idle = Self.nanoseconds(idleTimeout)
        while acknowledgedLines < lines {
            if connection.peerClosed {
                throw LoadError(
                    .connectionLost,
                    "the daemon at \(socketPath) closed the connection after acknowledging "
                        + "\(acknowledgedLines) of \(lines) lines"
                )
            }
            let before = (acknowledgedLines, rejectedLines)
            let arrived = try connection.waitForInput(timeoutMillis: 250)
            try handleReplies()
            let now = MonotonicClock.nanoseconds()
            if arrived && before != (acknowledgedLines, rejectedLines) {
                lastProgress = now
            } else if now - lastProgress > idle {
                throw LoadError(
                    .timeout,
                    "no acknowledgement from the daemon at \(socketPath) for \(idleTimeout) "
                        + "(acknowledged \(acknowledgedLines) of \(lines) lines)"
                )
            }
        }
    }

    private func handleReplies() throws {
        while let line = connection.nextLine() {
            switch ServerReply.parse(line) {
            case .ack(let count):
                if count > acknowledgedLines {
                    acknowledgedLines = count
                    onAck?(count)
                }
            case .error(let error):
                rejectedLines += 1
                onError?(error)
            case .hello, .unknown:
                break
            }
        }
    }

    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let parts = duration.components
        guard parts.seconds >= 0 else { return 0 }
        return UInt64(parts.seconds) * 1_000_000_000 + UInt64(parts.attoseconds / 1_000_000_000)
    }

    static func milliseconds(_ duration: Duration) -> Int32 {
        Int32(min((nanoseconds(duration) + 999_999) / 1_000_000, UInt64(Int32.max)))
    }
}
