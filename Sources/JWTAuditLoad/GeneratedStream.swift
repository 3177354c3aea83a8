/// One connection's pre-generated events: NDJSON bytes and where each line ends.
public struct GeneratedStream: Sendable {
    /// The lines, each ending in `\n`.
    public var bytes: [UInt8]
    /// `lineEnds[i]` is the offset just past line i's `\n`.
    public var lineEnds: [Int]
    /// Indices of the lines that an attack scenario added, in order (empty for benign traffic).
    public var attackLines: [Int]

    /// Creates a stream from its bytes, line ends and the indices of its attack lines.
    public init(bytes: [UInt8], lineEnds: [Int], attackLines: [Int] = []) {
        self.bytes = bytes
        self.lineEnds = lineEnds
        self.attackLines = attackLines
    }

    /// Number of lines (events).
    public var lineCount: Int { lineEnds.count }

    /// The bytes of line `index`, with its `\n`.
    public func line(_ index: Int) -> ArraySlice<UInt8> {
        bytes[(index == 0 ? 0 : lineEnds[index - 1])..<lineEnds[index]]
    }

    /// Every line's bytes, without the `\n`.
    public var byteLines: [[UInt8]] {
        (0..<lineCount).map { Array(line($0).dropLast()) }
    }

    /// Every line as a String, without the `\n`.
    public var lines: [String] {
        (0..<lineCount).map { String(decoding: line($0).dropLast(), as: UTF8.self) }
    }
}

/// The whole pre-generated load: one ``GeneratedStream`` per connection.
public struct GeneratedLoad: Sendable {
    /// The configuration it was generated from.
    public let configuration: TrafficConfiguration
    /// One stream per connection.
    public let streams: [GeneratedStream]

    /// Total events over all connections.
    public var eventCount: Int { streams.reduce(0) { $0 + $1.lineCount } }
    /// Total bytes over all connections.
    public var byteCount: Int { streams.reduce(0) { $0 + $1.bytes.count } }

    /// Generates every connection's events, the connections in parallel threads.
    ///
    /// The result depends only on `configuration`.
    public static func generate(_ configuration: TrafficConfiguration) -> GeneratedLoad {
        precondition(configuration.connections > 0, "at least one connection")
        precondition(configuration.events >= 0, "a negative event count")
        let universe = TrafficUniverse(
            seed: configuration.seed,
            subjects: configuration.subjects,
            addresses: configuration.addresses
        )
        let schedule = TrafficSchedule(configuration: configuration, universe: universe)
        let streams = NativeThread.runInParallel(count: configuration.connections) { index in
            var generator = TrafficGenerator(
                universe: universe,
                schedule: schedule,
                configuration: configuration,
                connection: index
            )
            return generator.generate(count: configuration.events(forConnection: index))
        }
        return GeneratedLoad(configuration: configuration, streams: streams)
    }

    /// Every line of every connection, without the `\n`: connection 0's lines, then connection
    /// 1's, and so on.
    public var lines: [String] { streams.flatMap(\.lines) }

    /// Every line's bytes of every connection, without the `\n`, connection by connection.
    public var byteLines: [[UInt8]] { streams.flatMap(\.byteLines) }

    /// Creates a load from streams generated elsewhere.
    public init(configuration: TrafficConfiguration, streams: [GeneratedStream]) {
        self.configuration = configuration
        self.streams = streams
    }
}
