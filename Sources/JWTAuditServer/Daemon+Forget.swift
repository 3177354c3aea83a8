import Foundation
import JWTAuditAlerting
import JWTAuditCollector
import JWTAuditHTTP
import JWTAuditStore

extension Daemon {
    /// Erasure in the running daemon (`POST /api/v1/forget`): the writer thread destroys the key
    /// between two commits (it holds the only cache of clear values), detection then drops its
    /// state about the old pseudonym after every batch committed before, and the request is
    /// counted and recorded in `meta.sqlite`.
    static func forgetHandler(
        collector: CollectorService, detection: DetectionPipeline?, directory: DataDirectory
    ) -> ForgetHandler {
        { field, value, requestedBy in
            let pseudonym = try collector.forget(field, value)
            if let pseudonym {
                if let detection {
                    detection.forget(field.eventField, value: pseudonym)
                } else if FileManager.default.fileExists(atPath: LedgerStore.path(in: directory)) {
                    try LedgerStore(directory: directory).forget(field, value: pseudonym)
                }
            }
            var now = timespec()
            clock_gettime(CLOCK_REALTIME, &now)
            return try StoreEraser.record(
                directory: directory, field: field, value: value, pseudonym: pseudonym, requestedBy: requestedBy,
                now: Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec) / 1_000)
        }
    }
}
