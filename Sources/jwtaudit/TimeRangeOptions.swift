import Glibc
import ArgumentParser
import JWTAuditStore

/// `--from` and `--to`: RFC 3339, or a duration back from now (`15m`, `24h`, `30d`).
struct TimeRangeOptions: ParsableArguments {
    @Option(help: "Earliest event time: RFC 3339 or a duration back from now (15m, 24h, 30d).")
    var from: String?

    @Option(help: "Latest event time (exclusive): RFC 3339 or a duration back from now.")
    var to: String?

    /// The bounds in microseconds since the epoch.
    func resolve(now: Int64) throws -> (from: Int64?, to: Int64?) {
        func parse(_ text: String?, _ name: String) throws -> Int64? {
            guard let text else { return nil }
            guard let value = TimeBound.parse(text, now: now) else {
                throw ValidationError("--\(name) \(text): expected RFC 3339 (2026-11-29T10:00:00Z) or a duration (15m, 24h, 30d)")
            }
            return value
        }
        return (try parse(from, "from"), try parse(to, "to"))
    }
}

/// The current time in microseconds since the epoch.
func currentMicros() -> Int64 {
    var spec = timespec()
    clock_gettime(CLOCK_REALTIME, &spec)
    return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
}
