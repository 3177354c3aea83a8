import JWTAuditDetection
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Sends each alert as an RFC 5424 syslog message (see ``SyslogMessage``) to a local Unix
/// datagram socket such as `/dev/log`, or to a TCP receiver with octet-counting framing.
///
/// A failed send closes the socket; the next attempt reconnects after an exponential backoff with
/// jitter. After the last attempt the alert counts as `dropped`. A message too large for a
/// datagram socket is `failed` at once.
public final class SyslogOutput: WorkerBackedOutput {
    /// Where messages go.
    public enum Transport: Sendable, Hashable, CustomStringConvertible {
        /// A Unix datagram socket at this path, such as `/dev/log`: one message per datagram.
        case unix(path: String)
        /// A TCP receiver: messages framed as `LEN SP MSG` (RFC 6587 octet counting).
        case tcp(host: String, port: Int)

        /// `unix:/dev/log` or `tcp:host:port`.
        public var description: String {
            switch self {
            case .unix(let path): "unix:\(path)"
            case .tcp(let host, let port): "tcp:\(host.contains(":") ? "[\(host)]" : host):\(port)"
            }
        }
    }

    /// Settings of a syslog output.
    public struct Configuration: Sendable, Hashable {
        /// Name in logs, metrics and `event_loss` keys. Default `syslog`.
        public var name = "syslog"
        /// The receiver. Required.
        public var transport: Transport
        /// Facility code 0–23. Default 10 (`authpriv`).
        public var facility = 10
        /// Alerts held at most; newer ones are dropped and counted. Default 10,000.
        public var queueCapacity = 10_000
        /// Alerts below this severity are not sent. Default `low` (all).
        public var minimumSeverity = Severity.low
        /// Longest wait to connect or to send one message. Default 5 s.
        public var timeout: Duration = .seconds(5)
        /// Attempts and backoff. Default 8 attempts, 0.5 s doubling to 30 s.
        public var retry = RetryPolicy()
        /// HOSTNAME of the messages. Default `nil`: this machine's host name.
        public var hostname: String?

        /// A configuration sending to `transport`, with the defaults documented on each field.
        public init(transport: Transport) {
            self.transport = transport
        }
    }

    /// The configured name.
    public let name: String
    let worker: OutputWorker

    /// Starts the output's worker; the first connection is made when the first alert arrives.
    public init(
        configuration: Configuration, logger: Logger = Logger(label: "jwtaudit.outputs"),
        warningInterval: Duration = .seconds(60)
    ) {
        name = configuration.name
        worker = OutputWorker(
            name: configuration.name, capacity: configuration.queueCapacity,
            minimumSeverity: configuration.minimumSeverity, delivery: SyslogSender(configuration: configuration),
            logger: logger, warningInterval: warningInterval
        )
    }


    /// This machine's host name, or `-` when it has none.
    static func localHostname() -> String {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "-" }
        return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

/// Formats, frames and sends messages on the worker thread, keeping one socket open.
private final class SyslogSender: AlertDelivery {
    private let configuration: SyslogOutput.Configuration
    private let hostname: String
    private let processID = getpid()
    private var socket: Int32 = -1
    private var failing = false

    init(configuration: SyslogOutput.Configuration) {
        self.configuration = configuration
        hostname = configuration.hostname ?? SyslogOutput.localHostname()
    }

    func deliver(_ alert: Alert, worker: OutputWorker) -> DeliveryOutcome {
        let message = SyslogMessage.format(
            alert, facility: configuration.facility, timestamp: Self.now(), hostname: hostname, processID: processID
        )
        let isStream: Bool
        let payload: [UInt8]
        switch configuration.transport {
        case .unix:
            (isStream, payload) = (false, message)
        case .tcp:
            (isStream, payload) = (true, SyslogMessage.octetCounted(message))
        }
        let retry = configuration.retry
        var lastFailure = SyslogSocket.Failure(operation: "send", code: 0)
        for attempt in 1...retry.maxAttempts {
            if attempt > 1 {
                worker.counters.retried.add(1, ordering: .relaxed)
                guard worker.pause(seconds: retry.delay(afterFailedAttempts: attempt - 1)) else {
                    return .dropped(reason: lastFailure.description)
                }
            }
            do throws(SyslogSocket.Failure) {
                if socket >= 0, isStream, SyslogSocket.peerClosed(socket) { closeSocket() }
                if socket < 0 { socket = try connect() }
                try SyslogSocket.sendAll(socket, payload)
                if failing {
                    failing = false
                    worker.logger.notice(
                        "syslog output delivers again", metadata: ["output.to": "\(configuration.transport)"])
                }
                return .sent
            } catch {
                closeSocket()
                if error.code == EMSGSIZE { return .failed(reason: "message too large for the socket") }
                lastFailure = error
                if !failing {
                    failing = true
                    worker.logger.warning(
                        "syslog output cannot deliver; retrying with backoff",
                        metadata: ["output.to": "\(configuration.transport)", "output.reason": "\(error)"]
                    )
                }
            }
        }
        return .dropped(reason: "\(lastFailure), \(retry.maxAttempts) attempts")
    }

    func close() {
        closeSocket()
    }

    private func connect() throws(SyslogSocket.Failure) -> Int32 {
        switch configuration.transport {
        case .unix(let path): try SyslogSocket.connectUnixDatagram(path: path, timeout: configuration.timeout)
        case .tcp(let host, let port):
            try SyslogSocket.connectTCP(host: host, port: port, timeout: configuration.timeout)
        }
    }

    private func closeSocket() {
        if socket >= 0 { SyslogSocket.release(socket) }
        socket = -1
    }

    /// Wall-clock time in microseconds since the epoch.
    private static func now() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec) / 1_000
    }
}
