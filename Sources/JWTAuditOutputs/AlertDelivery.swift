import JWTAuditDetection

/// What an output does with one alert, on its worker thread: write a line, POST, send a syslog
/// message. Retries and backoff happen inside `deliver`, through ``OutputWorker/pause(seconds:)``.
protocol AlertDelivery: AnyObject {
    /// Delivers one alert, retrying as the output's policy says; blocks the worker thread only.
    func deliver(_ alert: Alert, worker: OutputWorker) -> DeliveryOutcome

    /// Releases sockets and clients; called once, on the worker thread, after the last delivery.
    func close()
}

/// How the delivery of one alert ended.
enum DeliveryOutcome: Equatable {
    case sent
    /// The receiver refused it for good; `reason` is safe to log (no URL, header or alert text).
    case failed(reason: String)
    /// Every attempt failed; `reason` names the last failure.
    case dropped(reason: String)
}
