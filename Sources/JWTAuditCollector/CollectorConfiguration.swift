import JWTAuditModel
import JWTAuditStore

/// Settings of the collector. Every default is safe for a run from a checkout.
public struct CollectorConfiguration: Sendable {
    /// Path of the Unix socket. Default `./jwtaudit.sock`.
    public var socketPath: String = "./jwtaudit.sock"
    /// Group that owns the socket file (name or numeric gid); nil keeps the daemon's group.
    public var socketGroup: String?
    /// Permission bits of the socket file. Default 0660: the owner and the socket's group may send.
    /// Only owner and group bits are allowed, and the owner keeps read and write.
    public var socketMode: UInt32 = 0o660
    /// The data folder. Default `./jwtaudit-data`.
    public var dataPath: String = "./jwtaudit-data"
    /// Bounds on each line (`maxLineBytes` default 65,536).
    public var limits: EventLimits = EventLimits()
    /// Services bound to the uids that may speak for them. A line for a bound service from any
    /// other uid is rejected with `service_not_allowed`; unbound services are open to all.
    public var serviceBindings: [String: Set<UInt32>] = [:]
    /// Most events a connection may have read but not yet acknowledged; past it the daemon stops
    /// reading from that connection until acks catch up (backpressure). Default 8,192.
    public var maxInFlightEventsPerConnection: Int = 8_192
    /// Most simultaneous connections; further ones are answered with a `too_many_connections`
    /// error line and closed. Default 4,096.
    public var maxConnections: Int = 4_096
    /// Seconds a new connection has to complete its first line (the hello or an event) before it
    /// is closed with a `line_timeout` error line. 0 turns the check off. Default 30.
    public var firstLineTimeoutSeconds: Int = 30
    /// Seconds a started line has to reach its newline before the connection is closed with a
    /// `line_timeout` error line; time during which the daemon itself is not reading does not
    /// count. 0 turns the check off. Default 30.
    public var partialLineTimeoutSeconds: Int = 30
    /// Bytes of replies a connection may have waiting to be sent; past it the daemon stops reading
    /// from that connection until its client reads (the high watermark; the low one is half).
    /// Default 1,048,576.
    public var maxOutboundBytesPerConnection: Int = 1 << 20
    /// Seconds a connection may stay over ``maxOutboundBytesPerConnection`` (its client reads no
    /// replies) before it is closed. 0 turns the check off. Default 30.
    public var writeStallTimeoutSeconds: Int = 30
    /// Most event lines per second the daemon reads from one connection; a faster client is read
    /// more slowly (nothing is dropped). 0: no limit. Default 0.
    public var maxLinesPerSecondPerConnection: Int = 0
    /// Most event lines per second the daemon reads from all connections of one peer uid
    /// together, so that opening more connections does not raise a producer's budget. 0: no
    /// limit. Default 0.
    public var maxLinesPerSecondPerUID: Int = 0
    /// Threads reading sockets and decoding lines. Default 1 (the writer thread takes the other
    /// core on a 2-core machine).
    public var ioThreads: Int = 1
    /// Rejected lines kept in the quarantine. Default 10,000.
    public var quarantineCapacity: Int = 10_000
    /// How the store shapes blocks.
    public var store: StoreConfiguration = StoreConfiguration()
    /// Fields stored as keyed-HMAC pseudonyms (retention.json `pseudonymisation`). Default none.
    public var pseudonymFields: [PseudonymField] = []

    public init() {}
}
