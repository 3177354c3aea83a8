#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A pthread mutex with two condition variables: the client's one lock.
///
/// The mutex and conditions live in allocated memory so that their addresses never move.
final class ConditionLock: @unchecked Sendable {
    private let mutex: UnsafeMutablePointer<pthread_mutex_t>
    private let conditions: UnsafeMutablePointer<pthread_cond_t>
    /// The number of condition variables (see ``Condition``).
    private static let count = 3

    /// A condition variable of this lock.
    enum Condition: Int {
        /// The writer waits here for events or shutdown.
        case work = 0
        /// Emitters waiting for room (overflow policy `wait`).
        case space = 1
        /// `flush()` callers waiting for acknowledgements.
        case progress = 2
    }

    init() {
        mutex = .allocate(capacity: 1)
        pthread_mutex_init(mutex, nil)
        conditions = .allocate(capacity: Self.count)
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        #if canImport(Glibc)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        #endif
        for index in 0..<Self.count {
            pthread_cond_init(conditions + index, &attributes)
        }
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        for index in 0..<Self.count {
            pthread_cond_destroy(conditions + index)
        }
        pthread_mutex_destroy(mutex)
        conditions.deallocate()
        mutex.deallocate()
    }

    /// Runs `body` holding the lock.
    @inline(__always)
    func withLock<Result>(_ body: () throws -> Result) rethrows -> Result {
        pthread_mutex_lock(mutex)
        defer { pthread_mutex_unlock(mutex) }
        return try body()
    }

    /// Wakes one waiter of `condition`. Call with the lock held.
    @inline(__always)
    func signal(_ condition: Condition) {
        pthread_cond_signal(conditions + condition.rawValue)
    }

    /// Wakes every waiter of `condition`. Call with the lock held.
    @inline(__always)
    func broadcast(_ condition: Condition) {
        pthread_cond_broadcast(conditions + condition.rawValue)
    }

    /// Waits on `condition` until signalled or until the monotonic clock reaches `deadline`
    /// (nanoseconds; `nil` waits without a limit). Call with the lock held. Returns false on timeout.
    @discardableResult
    func wait(_ condition: Condition, until deadline: UInt64?) -> Bool {
        guard let deadline else {
            pthread_cond_wait(conditions + condition.rawValue, mutex)
            return true
        }
        #if canImport(Glibc)
        var time = timespec(tv_sec: Int(deadline / 1_000_000_000), tv_nsec: Int(deadline % 1_000_000_000))
        #else
        // Darwin's conditions wait on the wall clock: convert the remaining time.
        let remaining = deadline > MonotonicTime.now() ? deadline - MonotonicTime.now() : 0
        let wall = MonotonicTime.wallMicroseconds() * 1_000 + Int64(remaining)
        var time = timespec(tv_sec: Int(wall / 1_000_000_000), tv_nsec: Int(wall % 1_000_000_000))
        #endif
        return pthread_cond_timedwait(conditions + condition.rawValue, mutex, &time) == 0
    }
}

/// Clocks read without Foundation.
enum MonotonicTime {
    /// The monotonic clock in nanoseconds.
    @inline(__always)
    static func now() -> UInt64 {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return UInt64(time.tv_sec) * 1_000_000_000 + UInt64(time.tv_nsec)
    }

    /// The wall clock in microseconds since the Unix epoch.
    @inline(__always)
    static func wallMicroseconds() -> Int64 {
        var time = timespec()
        clock_gettime(CLOCK_REALTIME, &time)
        return Int64(time.tv_sec) * 1_000_000 + Int64(time.tv_nsec / 1_000)
    }

    /// `duration` in nanoseconds, 0 when negative, saturated at a century.
    static func nanoseconds(_ duration: Duration) -> UInt64 {
        let parts = duration.components
        guard parts.seconds >= 0 else { return 0 }
        let seconds = UInt64(min(parts.seconds, 3_153_600_000))
        return seconds * 1_000_000_000 + UInt64(parts.attoseconds / 1_000_000_000)
    }

    /// The monotonic deadline `duration` from now.
    static func deadline(after duration: Duration) -> UInt64 {
        now() + nanoseconds(duration)
    }
}
