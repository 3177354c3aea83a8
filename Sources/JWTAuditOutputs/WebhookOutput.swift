import AsyncHTTPClient
import Foundation
import JWTAuditDetection
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOHTTP1

/// POSTs each alert as JSON to a URL, retrying with exponential backoff and jitter.
///
/// The body is `AlertJSON.encode(alert)` with `Content-Type: application/json`. A 2xx answer is
/// success; 5xx, 408, 429, timeouts and connection errors are retried (a `Retry-After` of a few
/// seconds is honoured, up to the policy's longest backoff); any other answer (4xx, 3xx: redirects
/// are not followed) is a permanent failure, counted as `failed`. After the last attempt the alert
/// counts as `dropped`. Logs name only the URL's scheme, host and port, never its path, query or
/// the configured headers, which often carry credentials.
public final class WebhookOutput: WorkerBackedOutput {
    /// Settings of a webhook output.
    public struct Configuration: Sendable, CustomStringConvertible, CustomReflectable {
        /// Name in logs, metrics and `event_loss` keys. Default `webhook`.
        public var name = "webhook"
        /// The `http` or `https` URL to POST to. Required.
        public var url: String
        /// Extra request headers, such as `Authorization`. Default none. Never logged.
        public var headers: [String: String] = [:]
        /// Alerts held at most; newer ones are dropped and counted. Default 10,000.
        public var queueCapacity = 10_000
        /// Alerts below this severity are not sent. Default `low` (all).
        public var minimumSeverity = Severity.low
        /// Time for one attempt: connect, send and answer. Default 5 s.
        public var timeout: Duration = .seconds(5)
        /// Attempts and backoff. Default 8 attempts, 0.5 s doubling to 30 s.
        public var retry = RetryPolicy()

        /// A configuration POSTing to `url`, with the defaults documented on each field.
        public init(url: String) {
            self.url = url
        }

        /// Name, endpoint (scheme, host, port) and header names; no path, query or header value.
        public var description: String {
            let headerNames = headers.keys.sorted().joined(separator: ",")
            return "webhook \(name) to \(WebhookOutput.endpoint(of: url)) headers [\(headerNames)]"
        }

        /// A mirror without the URL's path or the header values, for `dump` and debuggers.
        public var customMirror: Mirror {
            Mirror(
                self,
                children: [
                    "name": name, "endpoint": WebhookOutput.endpoint(of: url),
                    "headers": headers.keys.sorted(), "queueCapacity": queueCapacity,
                    "minimumSeverity": minimumSeverity, "timeout": timeout, "retry": retry,
                ]
            )
        }
    }

    /// What an HTTP answer means for the alert.
    public enum Disposition: Sendable, Hashable {
        /// Delivered (2xx).
        case delivered
        /// Try again later (5xx, 408, 429).
        case retry
        /// Refused for good (any other status).
        case refused
    }

    /// The configured name.
    public let name: String
    let worker: OutputWorker

    /// Starts the output's worker; throws when the URL is not an absolute `http` or `https` URL.
    public init(
        configuration: Configuration, logger: Logger = Logger(label: "jwtaudit.outputs"),
        warningInterval: Duration = .seconds(60)
    ) throws {
        guard Self.isValidURL(configuration.url) else {
            throw OutputConfigurationError(
                description: "webhook \(configuration.name): url must be an http or https URL")
        }
        for (header, value) in configuration.headers where !Self.isValidHeaderValue(value) {
            throw OutputConfigurationError(
                description: "webhook \(configuration.name): header \(header) has a control character in its value")
        }
        name = configuration.name
        worker = OutputWorker(
            name: configuration.name, capacity: configuration.queueCapacity,
            minimumSeverity: configuration.minimumSeverity, delivery: WebhookPoster(configuration: configuration),
            logger: logger, warningInterval: warningInterval
        )
    }


    /// What an answer with `status` means: 2xx delivered; 5xx, 408 and 429 retried; others refused.
    public static func disposition(ofStatus status: Int) -> Disposition {
        switch status {
        case 200..<300: .delivered
        case 408, 429, 500..<600: .retry
        default: .refused
        }
    }

    /// Whether `url` is an absolute `http` or `https` URL with a host.
    static func isValidURL(_ url: String) -> Bool {
        guard let components = URLComponents(string: url), let scheme = components.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let host = components.host, !host.isEmpty
        else { return false }
        return true
    }

    /// Whether `value` may be sent as a header value: no control character but tab (RFC 9110).
    static func isValidHeaderValue(_ value: String) -> Bool {
        !value.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }
    }

    /// `scheme://host:port` of `url`: what logs may show of it.
    static func endpoint(of url: String) -> String {
        guard let components = URLComponents(string: url), let scheme = components.scheme, let host = components.host
        else { return "(invalid url)" }
        let port = components.port.map { ":\($0)" } ?? ""
        return "\(scheme)://\(host.contains(":") ? "[\(host)]" : host)\(port)"
    }
}

/// POSTs alerts one by one with a blocking wait on the worker thread.
private final class WebhookPoster: AlertDelivery {
    private let client: HTTPClient
    private let url: String
    private let headers: HTTPHeaders
    private let timeout: Duration
    private let retry: RetryPolicy
    private let endpoint: String
    private var failing = false

    init(configuration: WebhookOutput.Configuration) {
        url = configuration.url
        endpoint = WebhookOutput.endpoint(of: configuration.url)
        timeout = configuration.timeout
        retry = configuration.retry
        var headers = HTTPHeaders()
        headers.add(name: "Content-Type", value: "application/json")
        headers.add(name: "User-Agent", value: "jwtaudit")
        for (name, value) in configuration.headers.sorted(by: { $0.key < $1.key }) {
            headers.replaceOrAdd(name: name, value: value)
        }
        self.headers = headers
        let amount = TimeAmount.nanoseconds(Self.nanoseconds(configuration.timeout))
        var client = HTTPClient.Configuration(
            redirectConfiguration: .disallow, timeout: .init(connect: amount, read: amount)
        )
        // A refused connection fails the attempt at once: this output's own backoff paces retries.
        client.connectionPool.retryConnectionEstablishment = false
        self.client = HTTPClient(eventLoopGroup: HTTPClient.defaultEventLoopGroup, configuration: client)
    }

    func deliver(_ alert: Alert, worker: OutputWorker) -> DeliveryOutcome {
        var body: [UInt8] = []
        body.reserveCapacity(1024)
        AlertJSON.append(alert, to: &body)
        var lastFailure = "no attempt"
        var retryAfter: Double?
        for attempt in 1...retry.maxAttempts {
            if attempt > 1 {
                worker.counters.retried.add(1, ordering: .relaxed)
                var wait = retry.delay(afterFailedAttempts: attempt - 1)
                if let retryAfter { wait = max(wait, min(retryAfter, retry.maxDelay)) }
                guard worker.pause(seconds: wait) else { return .dropped(reason: lastFailure) }
            }
            switch post(body) {
            case .delivered:
                if failing {
                    failing = false
                    worker.logger.notice("webhook output delivers again", metadata: ["output.to": "\(endpoint)"])
                }
                return .sent
            case .refused(let reason):
                return .failed(reason: reason)
            case .retry(let reason, let hint):
                lastFailure = reason
                retryAfter = hint
                if !failing {
                    failing = true
                    worker.logger.warning(
                        "webhook output cannot deliver; retrying with backoff",
                        metadata: ["output.to": "\(endpoint)", "output.reason": "\(reason)"]
                    )
                }
            }
        }
        return .dropped(reason: "\(lastFailure), \(retry.maxAttempts) attempts")
    }

    func close() {
        try? client.syncShutdown()
    }

    private enum Attempt {
        case delivered
        case refused(String)
        case retry(String, retryAfter: Double?)
    }

    private func post(_ body: [UInt8]) -> Attempt {
        let answer: StatusOnly.Response
        do {
            let request = try HTTPClient.Request(url: url, method: .POST, headers: headers, body: .bytes(body))
            let deadline = NIODeadline.now() + .nanoseconds(Self.nanoseconds(timeout))
            answer = try client.execute(request: request, delegate: StatusOnly(), deadline: deadline).wait()
        } catch let error as HTTPClientError {
            // Only the error's name: some carry header values or names in parentheses.
            return .retry(String("\(error)".prefix { $0 != "(" }), retryAfter: nil)
        } catch let error as IOError {
            return .retry("connection failed: \(String(cString: strerror(error.errnoCode)))", retryAfter: nil)
        } catch {
            return .retry("connection failed (\(type(of: error)))", retryAfter: nil)
        }
        switch WebhookOutput.disposition(ofStatus: answer.status) {
        case .delivered:
            return .delivered
        case .refused:
            return .refused("HTTP status \(answer.status)")
        case .retry:
            let hint = answer.retryAfter.flatMap { Int($0.trimmingCharacters(in: .whitespaces)) }.map(Double.init)
            return .retry("HTTP status \(answer.status)", retryAfter: hint.map { max(0, $0) })
        }
    }

    private static func nanoseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return seconds * 1_000_000_000 + attoseconds / 1_000_000_000
    }
}

/// Keeps the status and `Retry-After` of an answer and throws its body away, so a hostile
/// receiver cannot make the daemon buffer a large body.
private final class StatusOnly: HTTPClientResponseDelegate {
    typealias Response = (status: Int, retryAfter: String?)

    private let head = NIOLockedValueBox<HTTPResponseHead?>(nil)

    func didReceiveHead(task: HTTPClient.Task<Response>, _ head: HTTPResponseHead) -> EventLoopFuture<Void> {
        self.head.withLockedValue { $0 = head }
        return task.eventLoop.makeSucceededVoidFuture()
    }

    func didReceiveBodyPart(task: HTTPClient.Task<Response>, _ buffer: ByteBuffer) -> EventLoopFuture<Void> {
        task.eventLoop.makeSucceededVoidFuture()
    }

    func didFinishRequest(task: HTTPClient.Task<Response>) throws -> Response {
        guard let head = head.withLockedValue({ $0 }) else { throw HTTPClientError.remoteConnectionClosed }
        return (Int(head.status.code), head.headers.first(name: "Retry-After"))
    }
}
