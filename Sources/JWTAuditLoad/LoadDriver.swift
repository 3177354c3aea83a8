/// How ``LoadDriver`` sends a ``GeneratedLoad``.
public struct LoadDriverConfiguration: Sendable {
    /// The daemon's socket.
    public var socketPath: String
    /// Acknowledged mode (hello, then wait for every ack) or fire-and-forget. Default true.
    public var acknowledged = true
    /// Events per second over all connections; 0 sends as fast as possible. Default 0.
    public var eventsPerSecond: Double = 0
    /// `hello.client` of connection i is `"\(clientName)-\(i)"`. Default `loadgen`.
    public var clientName = "loadgen"
    /// Longest time the daemon may take no data, or send no ack while we wait. Default 60 s.
    public var idleTimeout: Duration = .seconds(60)
    /// Most bytes handed to one `send()`. Default 256 KiB.
    public var chunkBytes = 256 * 1024

    /// Creates a configuration for the daemon at `socketPath`.
    public init(socketPath: String) {
        self.socketPath = socketPath
    }
}

/// What a load run measured.
public struct LoadReport: Sendable {
    /// Number of connections.
    public var connections: Int
    /// Events written (complete lines).
    public var eventsSent: Int
    /// Events acknowledged (acknowledged mode; 0 otherwise).
    public var eventsAcknowledged: Int
    /// Events the daemon rejected (`{"error":...}` replies).
    public var eventsRejected: Int
    /// Seconds from the first byte sent to the last ack received (acknowledged mode) or to the
    /// last byte written (fire-and-forget).
    public var elapsedSeconds: Double
    /// Seconds from the first byte sent to the last byte written.
    public var sendSeconds: Double
    /// Latency from writing a chunk to receiving an ack that covers its last line (acknowledged
    /// mode).
    public var ackLatency: LatencySummary?
    /// The first few rejections, with the connection they came from.
    public var sampleErrors: [(connection: Int, error: ServerError)]
    /// What went wrong on connections that failed (empty when all completed).
    public var failures: [String]

    /// Events per second over ``elapsedSeconds``: acknowledged events in acknowledged mode, sent
    /// events otherwise.
    public var eventsPerSecond: Double {
        guard elapsedSeconds > 0 else { return 0 }
        return Double(eventsAcknowledged > 0 ? eventsAcknowledged : eventsSent) / elapsedSeconds
    }
}

/// Drives a pre-generated load into the daemon: one connection per stream, each on its own
/// thread, all connected (and greeted) before the first byte, paced when a rate is set.
///
/// Measures events/s from the first byte sent to the last ack received, and the ack latency of
/// every written chunk: the time from its `send()` until an ack at least as high as its last
/// complete line arrives.
public enum LoadDriver {
    /// Sends `load` as `configuration` says and waits for every ack (acknowledged mode).
    ///
    /// - Throws: ``LoadError`` when a connection cannot be opened; failures after the start are
    ///   reported in ``LoadReport/failures`` instead.
    public static func run(_ load: GeneratedLoad, configuration: LoadDriverConfiguration) throws -> LoadReport {
        precondition(configuration.eventsPerSecond >= 0, "a negative rate")
        var connections: [ConnectionBox] = []
        for index in load.streams.indices {
            if configuration.acknowledged {
                let client = try AcknowledgedClient(
                    socketPath: configuration.socketPath,
                    clientName: "\(configuration.clientName)-\(index)",
                    idleTimeout: configuration.idleTimeout
                )
                connections.append(ConnectionBox(client: client, raw: nil))
            } else {
                connections.append(
                    ConnectionBox(client: nil, raw: try UnixStreamConnection(path: configuration.socketPath))
                )
            }
        }
        let boxes = connections
        let totalEvents = max(1, load.eventCount)
        let start = MonotonicClock.nanoseconds()
        let results = NativeThread.runInParallel(count: load.streams.count) { index in
            let stream = load.streams[index]
            // Each connection's share of the rate matches its share of the events.
            let rate = configuration.eventsPerSecond * Double(stream.lineCount) / Double(totalEvents)
            return drive(stream, over: boxes[index], rate: rate, start: start, configuration: configuration)
        }
        for box in connections {
            box.client?.close()
            box.raw?.close()
        }

        let firstByte = results.compactMap(\.firstByte).min() ?? start
        let lastByte = results.compactMap(\.lastByte).max() ?? firstByte
        let lastAck = results.compactMap(\.lastAck).max() ?? lastByte
        var errors: [(connection: Int, error: ServerError)] = []
        for (index, result) in results.enumerated() {
            errors += result.errors.map { (index, $0) }
        }
        let end = configuration.acknowledged ? lastAck : lastByte
        return LoadReport(
            connections: results.count,
            eventsSent: results.reduce(0) { $0 + $1.linesSent },
            eventsAcknowledged: results.reduce(0) { $0 + $1.linesAcknowledged },
            eventsRejected: results.reduce(0) { $0 + $1.linesRejected },
            elapsedSeconds: Double(end &- firstByte) / 1e9,
            sendSeconds: Double(lastByte &- firstByte) / 1e9,
            ackLatency: LatencySummary(nanoseconds: results.flatMap(\.latencies)),
            sampleErrors: Array(errors.prefix(20)),
            failures: results.enumerated().compactMap { index, result in
                result.failure.map { "connection \(index): \($0)" }
            }
        )
    }

    /// Hands a connection (not thread-safe) to the one thread that uses it.
    private final class ConnectionBox: @unchecked Sendable {
        let client: AcknowledgedClient?
        let raw: UnixStreamConnection?

        init(client: AcknowledgedClient?, raw: UnixStreamConnection?) {
            self.client = client
            self.raw = raw
        }
    }

    private struct ConnectionResult: Sendable {
        var linesSent = 0
        var linesAcknowledged = 0
        var linesRejected = 0
        var firstByte: UInt64?
        var lastByte: UInt64?
        var lastAck: UInt64?
        var latencies: [UInt64] = []
        var errors: [ServerError] = []
        var failure: String?
    }

    /// Chunks written and not yet covered by an ack: (last complete line, send time).
    private final class AckTracker {
        var lines: [Int] = []
        var times: [UInt64] = []
        var head = 0
        var latencies: [UInt64] = []
        var lastAck: UInt64?
        var errors: [ServerError] = []

        func written(lines count: Int, at time: UInt64) {
            lines.append(count)
            times.append(time)
        }

        func acknowledged(_ count: Int) {
            let now = MonotonicClock.nanoseconds()
            lastAck = now
            while head < lines.count && lines[head] <= count {
                latencies.append(now &- times[head])
                head += 1
            }
        }
    }

    private static func drive(
        _ stream: GeneratedStream,
        over box: ConnectionBox,
        rate: Double,
        start: UInt64,
        configuration: LoadDriverConfiguration
    ) -> ConnectionResult {
        var result = ConnectionResult()
        let tracker = AckTracker()
        if let client = box.client {
            client.onAck = { tracker.acknowledged($0) }
            client.onError = { error in
                if tracker.errors.count < 20 { tracker.errors.append(error) }
            }
        }
        let total = stream.bytes.count
        let lineEnds = stream.lineEnds
        let nanosecondsPerLine = rate > 0 ? 1e9 / rate : 0
        let idle = AcknowledgedClient.nanoseconds(configuration.idleTimeout)
        var written = 0
        var lines = 0
        var lastProgress = MonotonicClock.nanoseconds()
        do {
            try stream.bytes.withUnsafeBytes { bytes in
                while written < total {
                    var limit = total
                    if rate > 0 {
                        let now = MonotonicClock.nanoseconds()
                        let due = min(stream.lineCount, Int(Double(now &- start) / nanosecondsPerLine) + 1)
                        limit = lineEnds[due - 1]
                        if limit <= written {
                            // Ahead of schedule: wait for the next line's time, reading acks meanwhile.
                            let next = start + UInt64(Double(lines + 1) * nanosecondsPerLine)
                            let wait = Duration.nanoseconds(Int64(next > now ? next - now : 0))
                            if let client = box.client {
                                try client.processReplies(timeout: wait)
                            } else {
                                try box.raw!.waitForInput(timeoutMillis: AcknowledgedClient.milliseconds(wait))
                            }
                            lastProgress = MonotonicClock.nanoseconds()
                            continue
                        }
                    }
                    limit = min(limit, written + configuration.chunkBytes)
                    let chunk = UnsafeRawBufferPointer(rebasing: bytes[written..<limit])
                    let count =
                        if let client = box.client {
                            try client.writeSome(chunk, timeout: .milliseconds(500))
                        } else {
                            try box.raw!.writeSome(chunk, timeoutMillis: 500)
                        }
                    let now = MonotonicClock.nanoseconds()
                    guard count > 0 else {
                        if now &- lastProgress > idle {
                            throw LoadError(
                                .timeout,
                                "the daemon took no data for \(configuration.idleTimeout)"
                            )
                        }
                        continue
                    }
                    if result.firstByte == nil { result.firstByte = now }
                    written += count
                    lastProgress = now
                    let before = lines
                    while lines < lineEnds.count && lineEnds[lines] <= written { lines += 1 }
                    if lines > before { tracker.written(lines: lines, at: now) }
                }
            }
            result.lastByte = MonotonicClock.nanoseconds()
            if let client = box.client {
                try client.waitForAcknowledgement(of: lines)
            }
        } catch {
            result.failure = "\(error)"
            if result.lastByte == nil { result.lastByte = MonotonicClock.nanoseconds() }
        }
        result.linesSent = lines
        if let client = box.client {
            result.linesAcknowledged = min(client.acknowledgedLines, lines)
            result.linesRejected = client.rejectedLines
            client.onAck = nil
            client.onError = nil
        }
        result.lastAck = tracker.lastAck
        result.latencies = tracker.latencies
        result.errors = tracker.errors
        return result
    }
}
