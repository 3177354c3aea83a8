import Foundation
import JWTAuditCrypto
import JWTAuditDetection
import JWTAuditModel
import JWTAuditStore

/// `jwtaudit bench report`: fills a store with synthetic traffic through the real writer (when
/// asked), then times whole report exports (evidence, rendering, signature, export record).
public enum ReportBenchmark {
    /// What to generate and measure.
    public struct Configuration: Sendable {
        /// Events to generate. Default 10,000,000.
        public var events = 10_000_000
        /// Days they spread over, ending at the start of the current hour. Default 30.
        public var days = 30
        /// Services emitting them. Default 20.
        public var services = 20
        /// Timed report exports. Default 3.
        public var runs = 3
        /// The framework reported. Default PCI DSS.
        public var framework = ReportFramework.pciDSS
        /// The format written. Default JSON.
        public var format = ReportFormat.json

        /// The defaults.
        public init() {}
    }

    /// One timed export.
    public struct Run: Sendable {
        /// Wall-clock seconds.
        public var seconds: Double
        /// CPU seconds of this process (all threads).
        public var cpuSeconds: Double
        /// Bytes of the signed report.
        public var bytes: Int
    }

    /// Writes `configuration.events` events into `directory` (which must be empty) over the last
    /// `days` days, signs a checkpoint, and records a few hundred alerts; returns the period covered.
    public static func generate(
        _ configuration: Configuration, into directory: DataDirectory, progress: (String) -> Void
    ) throws -> ReportPeriod {
        let hour: Int64 = 3_600_000_000
        let end = (currentMicros() / hour) * hour
        let start = end - Int64(configuration.days) * 24 * hour
        let writer = try EventWriter(directory: directory)
        var random = UInt64(0x9E37_79B9_7F4A_7C15)
        func next() -> UInt64 {
            random &+= 0x9E37_79B9_7F4A_7C15
            var z = random
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        let services = (0..<configuration.services).map { String(format: "svc-%02d", $0) }
        let reasons: [Reason] = [.expired, .expired, .expired, .badSignature, .keyUnknown, .audienceMismatch, .malformed]
        let step = Double(end - start) / Double(configuration.events)
        var batch: [AuditEvent] = []
        batch.reserveCapacity(16_384)
        for index in 0..<configuration.events {
            let ts = start + Int64(Double(index) * step)
            let draw = next()
            let rejected = draw % 100 < 7
            var event = AuditEvent(
                timestamp: ts, service: services[Int((draw >> 8) % UInt64(services.count))],
                outcome: rejected ? .rejected : .accepted,
                reason: rejected ? reasons[Int((draw >> 20) % UInt64(reasons.count))] : nil,
                tokenType: (draw >> 24) % 10 == 0 ? .refresh : .access)
            let client = rejected && (draw >> 28) % 4 == 0 ? (draw >> 32) % 50 : (draw >> 32) % 20_000
            event.clientIP = "10.\(client / 65_536).\((client / 256) % 256).\(client % 256)"
            event.subject = "user-\((draw >> 40) % 100_000)"
            event.tokenID = String(next() & 0xFFFF_FFFF_FFFF, radix: 16)
            event.issuer = "https://idp.example"
            event.algorithm = "RS256"
            event.keyID = "key-\((draw >> 50) % 4)"
            event.userAgent = "client/\((draw >> 54) % 8)"
            event.issuedAt = ts / 1_000_000 - 60
            event.expiresAt = ts / 1_000_000 + 840
            event.receivedAt = ts + 2_000
            batch.append(event)
            if batch.count == 16_384 {
                try writer.write(batch, now: ts)
                batch.removeAll(keepingCapacity: true)
                if index % 1_000_000 < 16_384 { progress("generated \(index + 1) events") }
            }
        }
        try writer.write(batch, now: end)
        try writer.close(now: end)
        _ = try CheckpointKeys.loadOrCreate(in: directory, now: end)
        _ = try Checkpointer(directory: directory, externalFile: nil, now: end).checkpoint(now: end, full: true)
        let alerts = try AlertStore(directory: directory)
        for index in 0..<300 {
            let seen = start + Int64(index) * (end - start) / 300
            let finding = Finding(
                rule: index % 3 == 0 ? "brute_force_signature" : "token_spray", severity: index % 5 == 0 ? .high : .medium,
                key: AlertKey("client_ip", "10.0.0.\(index % 50)"), firstSeen: seen, lastSeen: seen + 60_000_000,
                count: 25, samples: [], summary: "synthetic alert \(index)", techniques: ["T1110"], tags: [],
                suppressionWindow: 60_000_000)
            let updates = try alerts.record([finding], now: seen + 1_000_000)
            if index % 2 == 0, let id = updates.first?.alert.id {
                try alerts.setStatus(id: id, to: .acknowledged, by: "analyst", now: seen + 900_000_000)
            }
        }
        return ReportPeriod(covering: start, end)!
    }

    /// Exports the report of `period` `configuration.runs` times and times each export.
    public static func measure(
        _ configuration: Configuration, directory: DataDirectory, period: ReportPeriod
    ) throws -> [Run] {
        let key = try CheckpointKeys.current(in: directory)
        var runs: [Run] = []
        for _ in 0..<configuration.runs {
            let request = ReportRequest(
                directory: directory, framework: configuration.framework, period: period, generatedBy: "bench",
                now: currentMicros())
            let cpu = cpuSeconds()
            let started = Date()
            let export = try ReportExport.generate(request, format: configuration.format, key: key, via: "bench")
            runs.append(
                Run(
                    seconds: Date().timeIntervalSince(started), cpuSeconds: cpuSeconds() - cpu,
                    bytes: export.files.reduce(0) { $0 + $1.bytes.count }))
        }
        return runs
    }

    static func currentMicros() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }

    static func cpuSeconds() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec)
            + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1_000_000
    }
}
