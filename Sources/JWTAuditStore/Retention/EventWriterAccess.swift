/// How the retention job reaches the store's single event writer for its two short steps (removing
/// an emptied partition, chaining its run record): directly when no daemon runs, or on the daemon's
/// writer thread between group commits, so that no write is in flight and ingest is held up only
/// for those steps.
public protocol EventWriterAccess: Sendable {
    /// Runs `body` with the writer, on the thread that owns it, and returns its result.
    func withWriter<T: Sendable>(_ body: @escaping @Sendable (EventWriter) throws -> T) throws -> T
}

/// Access to a writer the caller's thread owns (`jwtaudit retention run` with the daemon's lock
/// held, tests).
public final class DirectWriterAccess: EventWriterAccess, @unchecked Sendable {
    /// The writer.
    public let writer: EventWriter

    /// Access to `writer`.
    public init(_ writer: EventWriter) {
        self.writer = writer
    }

    /// Runs `body` now, on this thread.
    public func withWriter<T: Sendable>(_ body: @escaping @Sendable (EventWriter) throws -> T) throws -> T {
        try body(writer)
    }
}
