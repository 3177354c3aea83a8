import Foundation
import JWTAuditLoad

/// Resident memory of a process, and whether bounds on it apply to this build.
public enum ResidentMemory {
    /// VmRSS of process `pid` in KiB, from `/proc/PID/status`; nil when it cannot be read.
    public static func kibibytes(_ pid: Int32?) -> Int? {
        guard let pid else { return nil }
        return ProcessStatus.kilobytes("VmRSS", pid: pid)
    }

    /// Whether memory bounds measured on the plain build mean anything here: not under a
    /// sanitizer, whose allocator keeps freed memory in quarantine (256 MiB by default for
    /// AddressSanitizer) and adds shadow memory. The daemons the tests start are built with the
    /// same sanitizer as the tests.
    public static var boundsApply: Bool { Sanitizer.active == nil }
}

/// The sanitizer this process was built with, found by its runtime's entry point.
public enum Sanitizer {
    /// `"address"`, `"thread"`, or nil for a plain build.
    public static let active: String? = {
        for (name, symbol) in [("address", "__asan_init"), ("thread", "__tsan_init")] where dlsym(nil, symbol) != nil {
            return name
        }
        return nil
    }()
}
