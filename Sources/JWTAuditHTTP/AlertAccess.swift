import Foundation
import JWTAuditStore

/// The HTTP service's own connections to `alerts.sqlite`: a read-only one for reads and a writer
/// for triage changes, each opened on first use and used by one thread at a time.
final class AlertAccess: @unchecked Sendable {
    private let directory: DataDirectory
    private let readLock = NSLock()
    private let writeLock = NSLock()
    private var reader: AlertStore?
    private var writer: AlertStore?

    init(directory: DataDirectory) {
        self.directory = directory
    }

    /// Runs `body` on the reader; nil when no alert store exists yet.
    func read<T>(_ body: (AlertStore) throws -> T) throws -> T? {
        readLock.lock()
        defer { readLock.unlock() }
        if reader == nil {
            guard FileManager.default.fileExists(atPath: directory.alertsPath) else { return nil }
            reader = try AlertStore(directory: directory, readOnly: true)
        }
        return try reader.map(body)
    }

    /// Runs `body` on the writer; nil when no alert store exists yet (so no alert either).
    func write<T>(_ body: (AlertStore) throws -> T) throws -> T? {
        writeLock.lock()
        defer { writeLock.unlock() }
        if writer == nil {
            guard FileManager.default.fileExists(atPath: directory.alertsPath) else { return nil }
            writer = try AlertStore(path: directory.alertsPath)
        }
        return try writer.map(body)
    }
}
