import JWTAuditDetection
import Logging

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Writes each alert as one line of JSON (NDJSON) to standard output or another descriptor.
///
/// A line is `AlertJSON.encode(alert)` and `\n`; JSON escapes line breaks inside strings, so
/// attacker-controlled text in an alert never starts a second line.
public final class StdoutOutput: WorkerBackedOutput {
    /// Settings of a stdout output.
    public struct Configuration: Sendable, Hashable {
        /// Name in logs, metrics and `event_loss` keys. Default `stdout`.
        public var name = "stdout"
        /// Alerts held at most; newer ones are dropped and counted. Default 10,000.
        public var queueCapacity = 10_000
        /// Alerts below this severity are not written. Default `low` (all).
        public var minimumSeverity = Severity.low

        /// The defaults documented on each field.
        public init() {}
    }

    /// The configured name.
    public let name: String
    let worker: OutputWorker

    /// An output writing to `fileDescriptor` (standard output by default), which it never closes.
    ///
    /// SIGPIPE is ignored process-wide from here on, so a reader that went away makes writes fail
    /// (counted as dropped) instead of killing the daemon.
    public init(
        configuration: Configuration = Configuration(), fileDescriptor: Int32 = STDOUT_FILENO,
        logger: Logger = Logger(label: "jwtaudit.outputs"), warningInterval: Duration = .seconds(60)
    ) {
        signal(SIGPIPE, SIG_IGN)
        name = configuration.name
        worker = OutputWorker(
            name: configuration.name, capacity: configuration.queueCapacity,
            minimumSeverity: configuration.minimumSeverity, delivery: LineWriter(fileDescriptor: fileDescriptor),
            logger: logger, warningInterval: warningInterval
        )
    }

}

/// Writes one NDJSON line per alert with `write(2)`, finishing partial writes.
private final class LineWriter: AlertDelivery {
    let fileDescriptor: Int32

    init(fileDescriptor: Int32) {
        self.fileDescriptor = fileDescriptor
    }

    func deliver(_ alert: Alert, worker: OutputWorker) -> DeliveryOutcome {
        var line: [UInt8] = []
        line.reserveCapacity(1024)
        AlertJSON.append(alert, to: &line)
        line.append(UInt8(ascii: "\n"))
        var offset = 0
        while offset < line.count {
            let written = line[offset...].withUnsafeBytes { write(fileDescriptor, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                return .dropped(reason: "write failed: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
        return .sent
    }

    func close() {}
}
