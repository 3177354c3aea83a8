import JWTAuditDetection
import Logging
import NIOConcurrencyHelpers

/// Fans each batch of alerts out to every configured output, and reports what they lost.
///
/// `offer` returns at once whatever the outputs do: each output queues on its own and drops (and
/// counts) what does not fit. The daemon calls ``takeLosses()`` on a timer and raises one
/// `event_loss` finding per output that lost alerts since the previous call.
public final class OutputDispatcher: Sendable {
    /// The outputs, in configuration order.
    public let outputs: [any AlertOutput]
    /// Per output: dropped and failed totals already reported by `takeLosses`.
    private let reported: NIOLockedValueBox<[(dropped: Int64, failed: Int64)]>

    /// A dispatcher over running outputs.
    public init(outputs: [any AlertOutput]) {
        self.outputs = outputs
        reported = NIOLockedValueBox(Array(repeating: (0, 0), count: outputs.count))
    }

    /// A dispatcher over new outputs built from their configurations.
    public convenience init(
        configurations: [OutputConfiguration], logger: Logger = Logger(label: "jwtaudit.outputs")
    ) throws {
        self.init(outputs: try configurations.map { try $0.makeOutput(logger: logger) })
    }

    /// Offers the batch to every output; never blocks.
    public func offer(_ alerts: [Alert]) {
        guard !alerts.isEmpty else { return }
        for output in outputs { output.offer(alerts) }
    }

    /// Losses since the previous call, one entry per output that lost alerts meanwhile.
    public func takeLosses() -> [OutputLoss] {
        reported.withLockedValue { reported in
            var losses: [OutputLoss] = []
            for (index, output) in outputs.enumerated() {
                let dropped = output.counters.dropped.load(ordering: .relaxed)
                let failed = output.counters.failed.load(ordering: .relaxed)
                let before = reported[index]
                guard dropped > before.dropped || failed > before.failed else { continue }
                losses.append(
                    OutputLoss(output: output.name, dropped: dropped - before.dropped, failed: failed - before.failed))
                reported[index] = (dropped, failed)
            }
            return losses
        }
    }

    /// Each output's name and counters, for metrics.
    public func statistics() -> [(name: String, counters: OutputCounters.Snapshot)] {
        outputs.map { ($0.name, $0.counters.snapshot) }
    }

    /// Shuts all outputs down at once; returns by `deadline` (plus a few milliseconds).
    public func shutdown(deadline: ContinuousClock.Instant) async {
        await withTaskGroup(of: Void.self) { group in
            for output in outputs {
                group.addTask { await output.shutdown(deadline: deadline) }
            }
        }
    }
}
