import Foundation
import JWTAuditStore
import Logging

/// The writer's view of a storage outage (a full disk, an I/O error): the first failed commit
/// marks storage unavailable, so that connections refuse new event lines with
/// `storage_unavailable` instead of queueing them (memory stays bounded while the disk is full);
/// the first commit that succeeds again ends it. Logs the start (at `error`), a reminder about
/// once a minute, and the end. Used by the writer thread only.
final class StorageOutage {
    private let counters: CollectorCounters
    private let logger: Logger
    private var since: Date?
    private var refusedAtStart: Int64 = 0
    private var lastLogged = Date.distantPast
    private let onStart: (@Sendable () -> Void)?

    /// `onStart` runs when an outage begins, after lines started being refused.
    init(counters: CollectorCounters, logger: Logger, onStart: (@Sendable () -> Void)?) {
        self.counters = counters
        self.logger = logger
        self.onStart = onStart
    }

    /// A commit of `events` failed for the `attempt`-th time in a row.
    func failed(_ error: Error, attempt: Int, events: Int) {
        let now = Date()
        let reason = Self.reason(error)
        if since == nil {
            since = now
            refusedAtStart = counters.eventsRefused.load(ordering: .relaxed)
            counters.storageAvailable.store(false, ordering: .relaxed)
            lastLogged = now
            logger.error(
                """
                storage unavailable: a commit failed; its events are held unacknowledged and retried, \
                new event lines are refused with storage_unavailable until a commit succeeds
                """,
                metadata: ["reason": "\(reason)", "error": "\(error)", "events.held": "\(events)"])
            onStart?()
        } else if now.timeIntervalSince(lastLogged) >= 60 {
            lastLogged = now
            logger.error(
                "storage still unavailable",
                metadata: [
                    "reason": "\(reason)", "error": "\(error)", "attempt": "\(attempt)", "events.held": "\(events)",
                    "events.refused": "\(counters.eventsRefused.load(ordering: .relaxed) - refusedAtStart)",
                ])
        }
    }

    /// A commit succeeded: ends an outage, if there was one.
    func succeeded() {
        guard let started = since else { return }
        since = nil
        counters.storageAvailable.store(true, ordering: .relaxed)
        logger.notice(
            "storage available again: commits succeed, event lines are accepted",
            metadata: [
                "outage.seconds": "\(Int(Date().timeIntervalSince(started).rounded()))",
                "events.refused": "\(counters.eventsRefused.load(ordering: .relaxed) - refusedAtStart)",
            ])
    }

    /// `disk_full` for SQLite's full-disk error, `write_error` for anything else.
    static func reason(_ error: Error) -> String {
        if let error = error as? SQLiteError, error.isDiskFull { return "disk_full" }
        return "write_error"
    }
}
