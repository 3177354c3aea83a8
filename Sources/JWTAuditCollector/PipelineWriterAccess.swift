import Dispatch
import JWTAuditStore
import NIOConcurrencyHelpers

/// ``EventWriterAccess`` through the daemon's writer thread: the work is queued between group
/// commits and the caller's thread waits for it (callers are worker threads, never event loops).
struct PipelineWriterAccess: EventWriterAccess {
    let pipeline: IngestPipeline

    /// Where the writer thread leaves the result for the waiting caller.
    private final class Outcome<T: Sendable>: Sendable {
        let result = NIOLockedValueBox<Result<T, any Error>?>(nil)
        let done = DispatchSemaphore(value: 0)
    }

    func withWriter<T: Sendable>(_ body: @escaping @Sendable (EventWriter) throws -> T) throws -> T {
        let outcome = Outcome<T>()
        let queued = pipeline.perform { writer in
            let result = Result { try body(writer) }
            outcome.result.withLockedValue { $0 = result }
            outcome.done.signal()
        }
        guard queued else { throw IntegrityError("the daemon is stopping; the writer takes no more work") }
        outcome.done.wait()
        return try outcome.result.withLockedValue { $0! }.get()
    }
}
