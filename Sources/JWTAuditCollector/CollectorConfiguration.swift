import JWTAuditModel
import JWTAuditStore

/// Settings of the collector. Every default is safe for a run from a checkout.
public struct CollectorConfiguration: Sendable {
    /// Path of the Unix socket. Default `./jwtaudit.sock`.
    public var socketPath: String = "./jwtaudit.sock"
    /// Group that owns the socket file (name or numeric gid); nil keeps the daemon's group.
    /// The socket's mode is always 0660: the owner and this group may send.
    public var socketGroup: String?
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
    /// Most simultaneous connections; further ones are closed at once. Default 4,096.
    public var maxConnections: Int = 4_096
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
