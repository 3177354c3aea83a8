#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends NDJSON files (or any readable descriptor) over one acknowledged-mode connection and
/// reports every rejection with the file and line it came from: the engine of `jwtaudit send`.
///
/// Blank lines are not sent (so they get no line number on the wire); the session maps the
/// daemon's line numbers back to each file's own lines, so `line 7` is line 7 in the editor.
public final class SendSession {
    /// A rejected line, located in its source.
    public struct Rejection: Sendable, Hashable {
        /// The source's name (a path, or `-` for standard input).
        public var source: String
        /// The 1-based line in that source.
        public var line: Int
        /// The daemon's report (its `line` is the wire line number).
        public var error: ServerError
    }

    /// What a finished session sent and what became of it.
    public struct Summary: Sendable, Hashable {
        /// Event lines sent.
        public var sent: Int
        /// Lines the daemon stored (acknowledged and not rejected).
        public var accepted: Int
        /// Lines the daemon rejected.
        public var rejected: Int
    }

    /// Called for each rejection as it arrives.
    public var onRejection: ((Rejection) -> Void)?

    private let client: AcknowledgedClient
    private var map = SourceLineMap()
    private var sources: [String] = []
    private var output: [UInt8] = []

    /// Creates a session over a connected client (which it uses from now on).
    public init(client: AcknowledgedClient) {
        self.client = client
        client.onError = { [unowned self] error in
            let location = self.map.locate(wireLine: error.line)
            let source = location.map { self.sources[$0.source] } ?? "?"
            self.onRejection?(Rejection(source: source, line: location?.line ?? error.line, error: error))
        }
    }

    /// Event lines sent so far.
    public var sentLines: Int { map.wireLines }

    /// Sends bytes that make up one whole source.
    public func send(bytes: [UInt8], sourceName: String) throws {
        var filter = BlankLineFilter(source: addSource(sourceName))
        bytes.withUnsafeBytes { filter.process($0, into: &output, map: &map) }
        filter.finish(into: &output)
        try flush()
    }

    /// Reads `descriptor` to its end and sends it as one source, in chunks of 1 MiB.
    public func send(descriptor: Int32, sourceName: String) throws {
        var filter = BlankLineFilter(source: addSource(sourceName))
        var chunk = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 {
                let code = errno
                if code == EINTR { continue }
                throw LoadError(
                    .io,
                    "cannot read \(sourceName): \(UnixStreamConnection.describe(code))",
                    errno: code
                )
            }
            if count == 0 { break }
            chunk.withUnsafeBytes {
                filter.process(UnsafeRawBufferPointer(rebasing: $0[0..<count]), into: &output, map: &map)
            }
            try flush()
        }
        filter.finish(into: &output)
        try flush()
    }

    /// Opens `path` and sends it as one source.
    public func send(path: String) throws {
        let descriptor = open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            throw LoadError(.io, "cannot open \(path): \(UnixStreamConnection.describe(code))", errno: code)
        }
        defer { closeDescriptor(descriptor) }
        try send(descriptor: descriptor, sourceName: path)
    }

    /// Waits until the daemon acknowledged every line sent, and summarises.
    ///
    /// - Throws: ``LoadError`` `connectionLost` or `timeout` when the acks do not come.
    public func finish() throws -> Summary {
        try flush()
        try client.waitForAcknowledgement(of: map.wireLines)
        return Summary(
            sent: map.wireLines,
            accepted: map.wireLines - client.rejectedLines,
            rejected: client.rejectedLines
        )
    }

    /// The summary so far (after a failure: what was acknowledged before it).
    public var partialSummary: Summary {
        let done = min(client.acknowledgedLines, map.wireLines)
        return Summary(
            sent: map.wireLines,
            accepted: max(0, done - client.rejectedLines),
            rejected: client.rejectedLines
        )
    }

    private func addSource(_ name: String) -> Int {
        sources.append(name)
        return sources.count - 1
    }

    private func flush() throws {
        guard !output.isEmpty else { return }
        try client.write(output)
        output.removeAll(keepingCapacity: true)
    }
}
