import JWTAuditDetection

/// An output whose queue, counters and shutdown are its ``OutputWorker``'s: only the delivery differs.
protocol WorkerBackedOutput: AlertOutput {
    var worker: OutputWorker { get }
}

extension WorkerBackedOutput {
    /// Running totals of this output.
    public var counters: OutputCounters { worker.counters }

    /// Queues the alerts at or above the minimum severity; returns at once.
    public func offer(_ alerts: [Alert]) { worker.offer(alerts) }

    /// Delivers what is queued until `deadline`, then counts the rest as dropped.
    public func shutdown(deadline: ContinuousClock.Instant) async { await worker.shutdown(deadline: deadline) }
}
