import Foundation
import JWTAuditDetection
import JWTAuditLoad
import JWTAuditModel

/// `jwtaudit bench detect`: the engine alone on the load generator's events, decoded beforehand,
/// in batches like the daemon's commits. Measures CPU per event, state held, and peak memory.
public enum DetectionBenchmark {
    public struct Configuration: Sendable {
        public var traffic = TrafficConfiguration()
        public var rules = RuleSet.defaults
        public var limits = DetectionLimits()
        /// Events per `process` call (the daemon's group commits hold up to 16,384).
        public var batch = 8_192
        /// Replace each event's `jti` with a unique one (stresses token_replay's table).
        public var uniqueTokenIDs = false

        public init() {}
    }

    public struct Result: Sendable {
        public var events: Int
        /// Wall-clock time of the rules.
        public var seconds: Double
        /// CPU time of the rules (this thread): steadier than wall time on a busy machine.
        public var cpuSeconds: Double
        public var findingsByRule: [String: Int]
        public var findingsAtLeastMedium: Int
        public var statistics: DetectionStatistics
        public var peakResidentBytes: Int?
        /// Resident memory after the rules ran minus before (the events stay held throughout): about
        /// what the engine's state takes.
        public var engineResidentBytes: Int?
        public var decodeSeconds: Double

        public var eventsPerSecond: Double { Double(events) / max(seconds, 1e-9) }
        public var cpuMicrosPerEvent: Double { cpuSeconds * 1e6 / Double(max(events, 1)) }
    }

    public static func run(_ configuration: Configuration, progress: (String) -> Void) -> Result {
        progress("generating \(configuration.traffic.events) events")
        let load = GeneratedLoad.generate(configuration.traffic)
        let decodeStart = Date()
        let decoder = EventDecoder(fingerprinter: nil)
        var events: [AuditEvent] = []
        events.reserveCapacity(load.eventCount)
        for stream in load.streams {
            stream.bytes.withUnsafeBytes { bytes in
                var start = 0
                for end in stream.lineEnds {
                    if case .success(var event) = decoder.decode(UnsafeRawBufferPointer(rebasing: bytes[start..<(end - 1)])) {
                        event.receivedAt = event.timestamp
                        if configuration.uniqueTokenIDs { event.tokenID = "u\(events.count)" }
                        events.append(event)
                    }
                    start = end
                }
            }
        }
        events.sort { $0.receivedAt < $1.receivedAt }
        let decodeSeconds = Date().timeIntervalSince(decodeStart)
        progress("running the rules over \(events.count) events in batches of \(configuration.batch)")
        let engine = DetectionEngine(rules: configuration.rules, limits: configuration.limits)
        var byRule: [String: Int] = [:]
        var severe = 0
        // Batches are cut before the clock starts: the daemon hands its batches over without copying.
        var batches: [[AuditEvent]] = []
        var index = 0
        while index < events.count {
            let end = min(index + configuration.batch, events.count)
            batches.append(Array(events[index..<end]))
            index = end
        }
        events = []
        let residentBefore = residentBytes()
        let start = DispatchTime.now().uptimeNanoseconds
        let cpuStart = threadCPUNanoseconds()
        var processed = 0
        for batch in batches {
            for finding in engine.process(batch, now: batch.last!.receivedAt) {
                byRule[finding.rule, default: 0] += 1
                if finding.severity >= .medium { severe += 1 }
            }
            _ = engine.takeLedgerChanges()
            processed += batch.count
        }
        let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
        let cpuSeconds = Double(threadCPUNanoseconds() - cpuStart) / 1e9
        let residentAfter = residentBytes()
        return Result(
            events: processed, seconds: seconds, cpuSeconds: cpuSeconds, findingsByRule: byRule, findingsAtLeastMedium: severe,
            statistics: engine.statistics, peakResidentBytes: peakResidentBytes(),
            engineResidentBytes: residentAfter.flatMap { after in residentBefore.map { after - $0 } },
            decodeSeconds: decodeSeconds
        )
    }

    static func threadCPUNanoseconds() -> UInt64 {
        var spec = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &spec)
        return UInt64(spec.tv_sec) * 1_000_000_000 + UInt64(spec.tv_nsec)
    }

    /// This process's `VmHWM`.
    static func peakResidentBytes() -> Int? { ProcessStatus.kilobytes("VmHWM").map { $0 * 1024 } }

    /// This process's `VmRSS`.
    static func residentBytes() -> Int? { ProcessStatus.kilobytes("VmRSS").map { $0 * 1024 } }
}
