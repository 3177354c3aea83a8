import JWTAuditDetection

/// A destination for alerts (stdout, a webhook, syslog) with its own bounded queue and worker.
///
/// `offer` never blocks the caller: alerts go into the output's queue, and when the queue is full
/// the newest alerts are dropped and counted in ``counters``. Nothing is lost silently: the
/// ``OutputDispatcher`` turns drops into `event_loss` findings.
public protocol AlertOutput: AnyObject, Sendable {
    /// A name unique among the configured outputs, used in logs, metrics and `event_loss` keys.
    var name: String { get }

    /// Running totals, readable from any thread.
    var counters: OutputCounters { get }

    /// Queues the alerts that pass the output's severity filter; returns at once.
    func offer(_ alerts: [Alert])

    /// Stops taking alerts, delivers what is queued until `deadline`, then counts whatever is
    /// still undelivered as dropped and returns.
    func shutdown(deadline: ContinuousClock.Instant) async
}
