import Foundation
import InMemoryLogging
import JWTAuditDetection
import Logging
import NIOConcurrencyHelpers
import Testing

@testable import JWTAuditOutputs

/// A delivery that records each alert it starts and then waits until the test opens the gate.
private final class GatedDelivery: AlertDelivery, @unchecked Sendable {
    let started = NIOLockedValueBox<[Int64]>([])
    let gate = DispatchSemaphore(value: 0)

    var startedIDs: [Int64] { started.withLockedValue { $0 } }

    func deliver(_ alert: Alert, worker: OutputWorker) -> DeliveryOutcome {
        started.withLockedValue { $0.append(alert.id) }
        gate.wait()
        return .sent
    }

    func close() {}
}

@Suite struct OutputWorkerTests {
    @Test("a full queue drops the newest alerts, counts them, and warns once per interval")
    func fullQueueDropsNewest() async throws {
        let logs = InMemoryLogHandler()
        let delivery = GatedDelivery()
        let worker = OutputWorker(
            name: "gated", capacity: 3, minimumSeverity: .low, delivery: delivery,
            logger: Logger(label: "test") { _ in logs }
        )
        worker.offer([TestAlerts.alert(id: 1)])
        #expect(await eventually { delivery.startedIDs == [1] })
        // Alert 1 is being delivered: two more fit, 4 and 5 are dropped, then 6 as well.
        worker.offer(TestAlerts.alerts(2...5))
        worker.offer([TestAlerts.alert(id: 6)])
        #expect(worker.counters.snapshot == OutputCounters.Snapshot(accepted: 3, dropped: 3, queued: 3))

        let warnings = logs.entries.filter { $0.level == .warning }
        #expect(warnings.count == 1)
        #expect(warnings.first?.metadata["output.lost"] == "2")
        #expect(warnings.first?.metadata["output.reason"] == "queue full")
        #expect(warnings.first?.metadata["output.name"] == "gated")

        for _ in 1...3 { delivery.gate.signal() }
        #expect(await eventually { worker.counters.sent.load(ordering: .relaxed) == 3 })
        #expect(delivery.startedIDs == [1, 2, 3])
        // Room again: the next alert is taken.
        worker.offer([TestAlerts.alert(id: 7)])
        delivery.gate.signal()
        await worker.shutdown(deadline: deadline(in: 5))
        #expect(delivery.startedIDs == [1, 2, 3, 7])
        #expect(worker.counters.snapshot == OutputCounters.Snapshot(accepted: 4, sent: 4, dropped: 3, queued: 0))
    }

    @Test("after shutdown's deadline, undelivered alerts count as dropped, even if the stuck one finishes later")
    func shutdownDeadline() async throws {
        let delivery = GatedDelivery()
        let worker = OutputWorker(
            name: "stuck", capacity: 10, minimumSeverity: .low, delivery: delivery, logger: Logger(label: "test")
        )
        worker.offer(TestAlerts.alerts(1...3))
        #expect(await eventually { delivery.startedIDs == [1] })
        // Returns although the delivery in progress never ends before the gate opens.
        await worker.shutdown(deadline: deadline(in: 0.2))
        #expect(worker.counters.snapshot == OutputCounters.Snapshot(accepted: 3, dropped: 3, queued: 0))

        delivery.gate.signal()
        #expect(await eventually { delivery.startedIDs == [1] && worker.isAbandoned })
        try await Task.sleep(for: .milliseconds(100))
        #expect(worker.counters.snapshot == OutputCounters.Snapshot(accepted: 3, dropped: 3, queued: 0))
        #expect(delivery.startedIDs == [1])
    }

    @Test("pause returns early with false once shutdown gives up, so retries stop")
    func pauseStopsOnAbandon() async throws {
        let delivery = GatedDelivery()
        let worker = OutputWorker(
            name: "pause", capacity: 10, minimumSeverity: .low, delivery: delivery, logger: Logger(label: "test")
        )
        #expect(worker.pause(seconds: 0.01))
        worker.offer([TestAlerts.alert(id: 1)])
        #expect(await eventually { delivery.startedIDs == [1] })
        await worker.shutdown(deadline: deadline(in: 0.05))
        let started = ContinuousClock.now
        #expect(!worker.pause(seconds: 30))
        #expect(ContinuousClock.now - started < .seconds(1))
        delivery.gate.signal()
    }

    @Test("the dispatcher offers to every output, reports each loss once, and builds event_loss findings")
    func dispatcherLosses() async throws {
        let delivery = GatedDelivery()
        let stuck = OutputWorker(
            name: "stuck", capacity: 1, minimumSeverity: .low, delivery: delivery, logger: Logger(label: "test")
        )
        let dispatcher = OutputDispatcher(outputs: [WorkerOutput(worker: stuck)])
        dispatcher.offer(TestAlerts.alerts(1...4))
        #expect(dispatcher.takeLosses() == [OutputLoss(output: "stuck", dropped: 3, failed: 0)])
        #expect(dispatcher.takeLosses().isEmpty)
        dispatcher.offer([TestAlerts.alert(id: 5)])
        let losses = dispatcher.takeLosses()
        #expect(losses == [OutputLoss(output: "stuck", dropped: 1, failed: 0)])
        #expect(dispatcher.statistics().map(\.name) == ["stuck"])
        #expect(dispatcher.statistics().first?.counters.dropped == 4)

        delivery.gate.signal()
        await dispatcher.shutdown(deadline: deadline(in: 5))
    }
}

/// An ``AlertOutput`` over a bare worker.
private final class WorkerOutput: AlertOutput {
    let worker: OutputWorker
    init(worker: OutputWorker) { self.worker = worker }
    var name: String { worker.name }
    var counters: OutputCounters { worker.counters }
    func offer(_ alerts: [Alert]) { worker.offer(alerts) }
    func shutdown(deadline: ContinuousClock.Instant) async { await worker.shutdown(deadline: deadline) }
}
