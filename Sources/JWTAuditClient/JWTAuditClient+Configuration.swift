extension JWTAuditClient {
    /// What a full buffer does with a new event.
    public enum OverflowPolicy: Sendable, Equatable {
        /// Refuse the new event at once and count it in ``Counters/dropped`` (the default). Its
        /// `seq` number is used up, so the daemon sees the gap and raises `event_loss`.
        case dropNewest
        /// Block the caller up to `timeout` for room, then drop as ``dropNewest`` does. Only for
        /// callers that may wait: a request path should keep the default.
        case wait(timeout: Duration)
    }

    /// A rejection the daemon reported for one event.
    public struct Rejection: Sendable, Hashable {
        /// The event's `seq`.
        public var seq: Int64
        /// The error code (`invalid_field`, `missing_field`, `service_not_allowed`, ...).
        public var code: String
        /// The field at fault, when the daemon named one.
        public var field: String?
        /// The daemon's explanation (it never quotes values from the line).
        public var message: String
    }

    /// How a client connects, buffers and retries.
    public struct Configuration: Sendable {
        /// The daemon's Unix socket. Default `./jwtaudit.sock`.
        public var socketPath: String
        /// The service name put in events that leave ``JWTAuditEvent/service`` empty.
        public var service: String
        /// The producer name sent in the hello (`hello.client`), which scopes `seq` numbers.
        ///
        /// Default `nil`: `SERVICE@HOST#PID.START`, unique to this process run, so numbers that
        /// start again at 1 after a restart are never taken for duplicates. Set a fixed name only
        /// together with ``firstSequence`` continuing where the previous run stopped.
        public var producer: String?
        /// The first `seq` number. Default 1.
        public var firstSequence: Int64 = 1
        /// Events the buffer holds before the overflow policy applies. Default 65,536. The writer
        /// thread takes up to ``maxInFlight`` of them out of the buffer (also while it waits to
        /// connect), so the client holds at most `bufferCapacity + maxInFlight` events.
        public var bufferCapacity = 65_536
        /// What a full buffer does with a new event. Default ``OverflowPolicy/dropNewest``.
        public var overflowPolicy: OverflowPolicy = .dropNewest
        /// Events sent and not yet acknowledged before the writer waits for acks. Default 16,384
        /// (the daemon reads at most 8,192 ahead of its commits per connection).
        public var maxInFlight = 16_384
        /// First wait before reconnecting; it doubles per failure up to ``maxReconnectDelay``.
        /// Default 50 ms.
        public var reconnectDelay: Duration = .milliseconds(50)
        /// Longest wait between reconnection attempts. Default 5 s.
        public var maxReconnectDelay: Duration = .seconds(5)
        /// How long the daemon may take to answer the hello. Default 5 s.
        public var helloTimeout: Duration = .seconds(5)
        /// How long events may wait for an ack before the connection is dropped and they are
        /// resent on a new one. Default 30 s.
        public var ackTimeout: Duration = .seconds(30)
        /// Called on the writer thread when a connection fails or comes back (never with event
        /// contents). Default `nil`.
        public var onDiagnostic: (@Sendable (String) -> Void)?
        /// Called on the writer thread for each event the daemon rejects. Default `nil`.
        public var onRejection: (@Sendable (Rejection) -> Void)?

        /// Creates a configuration for `service` sending to `socketPath`.
        public init(socketPath: String = "./jwtaudit.sock", service: String) {
            self.socketPath = socketPath
            self.service = service
        }
    }

    /// What a client did so far.
    public struct Counters: Sendable, Hashable {
        /// Events taken into the buffer by ``JWTAuditClient/emit(_:)``.
        public var emitted = 0
        /// Events the daemon acknowledged and did not reject: stored (or already stored, for a resend).
        public var acknowledged = 0
        /// Events refused because the buffer was full or the client shut down.
        public var dropped = 0
        /// Events the daemon rejected, over all codes.
        public var rejected: Int { rejectedByCode.values.reduce(0, +) }
        /// Events the daemon rejected, per error code.
        public var rejectedByCode: [String: Int] = [:]
        /// Lines sent again after a reconnect because they were not acknowledged.
        public var resent = 0
        /// Connections opened after the first.
        public var reconnects = 0
        /// Events still unacknowledged when ``JWTAuditClient/shutdown(timeout:)`` gave up.
        public var abandoned = 0
        /// Events in the buffer, not yet taken by the writer.
        public var buffered = 0
        /// Events sent or being sent and not yet acknowledged.
        public var inFlight = 0
        /// Whether the writer holds a connection that completed its hello.
        public var connected = false
    }
}
