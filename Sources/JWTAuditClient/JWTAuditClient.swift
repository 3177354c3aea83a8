#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends token decisions to the jwtaudit daemon without ever slowing or failing the caller.
///
/// ``emit(_:)`` puts the event into a bounded buffer under a short lock and returns: no I/O, no
/// JSON, no allocation of its own on the caller's thread. A background thread encodes the events,
/// speaks the daemon's acknowledged mode (`hello`, `seq`, `{"ack":N}`), reconnects with a growing
/// delay when the daemon is away, and resends what was not acknowledged; the daemon's per-producer
/// `seq` marks drop the copies it already stored, so nothing is stored twice.
///
/// A full buffer follows ``Configuration/overflowPolicy``: by default the new event is dropped and
/// counted (``Counters/dropped``), and its `seq` is skipped so the daemon raises `event_loss`.
/// Nothing here throws: problems show in ``counters`` and ``Configuration/onDiagnostic``.
///
/// ```swift
/// let audit = JWTAuditClient(configuration: .init(socketPath: "/run/jwtaudit.sock", service: "billing"))
/// audit.emit(.rejected(.expired))
/// _ = audit.shutdown(timeout: .seconds(5))
/// ```
public final class JWTAuditClient: Sendable {
    /// The configuration the client was created with.
    public let configuration: Configuration
    /// The producer name sent in the hello.
    public let producer: String
    private let buffer: EventBuffer

    /// Creates a client and starts its writer thread (which connects in the background).
    public init(configuration: Configuration) {
        self.configuration = configuration
        producer = configuration.producer ?? Self.defaultProducer(service: configuration.service)
        buffer = EventBuffer(
            capacity: configuration.bufferCapacity,
            policy: configuration.overflowPolicy,
            firstSequence: configuration.firstSequence
        )
        let writer = ClientWriter(buffer: buffer, configuration: configuration, producer: producer)
        WriterThread.start { writer.run() }
    }

    deinit {
        // The writer stops at once; call `shutdown(timeout:)` first to deliver what is buffered.
        buffer.requestClose(deadline: 0)
    }

    /// Queues `event` for the daemon and returns at once.
    ///
    /// Fills ``JWTAuditEvent/timestampMicros`` with the current time when it is `nil`. Returns
    /// false when the event was dropped (a full buffer, or after ``shutdown(timeout:)``).
    @discardableResult
    @inline(__always)
    public func emit(_ event: JWTAuditEvent) -> Bool {
        if event.timestampMicros == nil {
            var stamped = event
            stamped.timestampMicros = MonotonicTime.wallMicroseconds()
            return buffer.enqueue(stamped)
        }
        return buffer.enqueue(event)
    }

    /// Waits until every event emitted before the call is acknowledged by the daemon (stored or
    /// rejected), at most `timeout`. Returns whether all were.
    public func flush(timeout: Duration) -> Bool {
        buffer.waitUntilSettled(deadline: MonotonicTime.deadline(after: timeout))
    }

    /// Stops taking events, delivers what is buffered for at most `timeout`, closes the connection
    /// and returns the final counters (``Counters/abandoned`` counts what was not delivered).
    /// Later calls to ``emit(_:)`` drop their event.
    @discardableResult
    public func shutdown(timeout: Duration) -> Counters {
        let deadline = MonotonicTime.deadline(after: timeout)
        buffer.requestClose(deadline: deadline)
        // The writer checks its deadline at least every few milliseconds; allow it a moment more.
        _ = buffer.waitForWriter(deadline: deadline + 2_000_000_000)
        return buffer.snapshot
    }

    /// What the client did so far.
    public var counters: Counters { buffer.snapshot }

    /// `SERVICE@HOST#PID.START`, cut to the daemon's 128-byte limit.
    static func defaultProducer(service: String) -> String {
        var host = [CChar](repeating: 0, count: 256)
        let capacity = host.count - 1
        let hostName =
            gethostname(&host, capacity) == 0
            ? String(decoding: host.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self) : "host"
        let start = String(MonotonicTime.wallMicroseconds(), radix: 36)
        let suffix = "@\(hostName.prefix(40))#\(getpid()).\(start)"
        var name = String(service.unicodeScalars.filter { $0.value >= 0x20 && $0.value != 0x7F }.prefix(64))
        if name.isEmpty { name = "service" }
        var result = name + suffix
        while result.utf8.count > 128 { result.removeFirst() }
        return result
    }
}
