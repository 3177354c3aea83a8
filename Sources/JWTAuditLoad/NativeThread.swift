#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Plain POSIX threads for blocking work: one per connection, joined at the end.
///
/// Dispatch's `concurrentPerform` would run at most one body per core, and a blocked connection
/// would stall the others; Swift concurrency's pool must never block. These threads may.
enum NativeThread {
    /// Runs `body(0) ... body(count - 1)` each on its own thread and returns their results in order.
    static func runInParallel<Result: Sendable>(
        count: Int,
        _ body: @escaping @Sendable (Int) -> Result
    ) -> [Result] {
        if count == 1 { return [body(0)] }
        let slots = (0..<count).map { _ in ResultSlot<Result>() }
        var threads: [pthread_t] = []
        for index in 0..<count {
            let slot = slots[index]
            let entry = ThreadEntry { slot.value = body(index) }
            threads.append(start(entry))
        }
        for thread in threads {
            pthread_join(thread, nil)
        }
        // pthread_join orders every write of the threads before these reads.
        return slots.map { $0.value! }
    }

    private static func start(_ entry: ThreadEntry) -> pthread_t {
        let context = Unmanaged.passRetained(entry).toOpaque()
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let status = pthread_create(
            &thread,
            nil,
            { context in
                Unmanaged<ThreadEntry>.fromOpaque(context!).takeRetainedValue().run()
                return nil
            },
            context
        )
        precondition(status == 0, "pthread_create failed: \(status)")
        #if canImport(Glibc)
        return thread
        #else
        return thread!
        #endif
    }
}

private final class ResultSlot<Value>: @unchecked Sendable {
    // Written by one thread before it ends; read by the caller after pthread_join.
    var value: Value?
}

private final class ThreadEntry {
    let run: () -> Void

    init(_ run: @escaping () -> Void) {
        self.run = run
    }
}
