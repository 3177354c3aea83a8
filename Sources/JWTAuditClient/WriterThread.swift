#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Starts a detached POSIX thread: the writer blocks in `poll`, so it must not live in Swift
/// concurrency's pool.
enum WriterThread {
    /// Runs `body` on a new detached thread.
    static func start(_ body: @escaping () -> Void) {
        let context = Unmanaged.passRetained(Entry(body)).toOpaque()
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        defer { pthread_attr_destroy(&attributes) }
        #if canImport(Glibc)
        var thread = pthread_t()
        #else
        var thread: pthread_t?
        #endif
        let status = pthread_create(
            &thread,
            &attributes,
            { context in
                Unmanaged<Entry>.fromOpaque(context!).takeRetainedValue().body()
                return nil
            },
            context
        )
        precondition(status == 0, "jwtaudit client: cannot start its writer thread (\(status))")
    }

    private final class Entry {
        let body: () -> Void

        init(_ body: @escaping () -> Void) {
            self.body = body
        }
    }
}
