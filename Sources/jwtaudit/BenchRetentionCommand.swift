import ArgumentParser
import Foundation
import Glibc
import JWTAuditLoad
import JWTAuditModel
import JWTAuditRetention
import JWTAuditStore

extension BenchCommand {
    /// `jwtaudit bench retention`.
    struct Retention: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "retention",
            abstract: "Time a retention run over a generated store, and the ack stall it causes in a live daemon.",
            discussion: """
                Generates the load generator's traffic (--events, spread over --days days of event time \
                ending --newest-days ago) into a temporary store through the event writer, copies it, then: \
                (1) runs the retention job by hand on one copy and reports its time, CPU, what it archived \
                and deleted, bytes per event before and after, and a verify of the result; (2) starts \
                `jwtaudit serve` on the other copy with the job every --interval seconds and sends \
                acknowledged events at --rate events/s while a run happens, reporting the longest and p99 \
                ack latency. Build with `-c release` first.
                """)

        @Option(help: "Events in the generated store.")
        var events = 10_000_000

        @Option(help: "Days of event time the events span.")
        var days = 100

        @Option(help: "Age in days of the newest generated day.")
        var newestDays = 31

        @Option(help: "online_days of the benchmark's policy.")
        var onlineDays = 60

        @Option(help: "keep_days of the benchmark's policy.")
        var keepDays = 100

        @Option(help: "Acknowledged events per second sent to the live daemon during its run.")
        var rate: Double = 20_000

        @Option(help: "Seconds between the live daemon's runs (its first run after that delay).")
        var interval: Double = 5

        @Option(help: "Recompress archived blocks at this zlib level (1-9) in the offline run, as the archive did before it copied blocks unchanged.")
        var recompressLevel: Int32?

        @Flag(help: "Skip the live-daemon part.")
        var offlineOnly = false

        @Flag(help: "Keep the temporary folder.")
        var keep = false

        @Option(help: "Seed of the traffic.")
        var seed: UInt64 = 1

        func validate() throws {
            guard events > 0, days > 0, newestDays >= 0 else { throw ValidationError("events and days must be positive") }
            guard onlineDays >= 0, keepDays >= 1, onlineDays <= keepDays else {
                throw ValidationError("need 0 <= --online-days <= --keep-days, --keep-days >= 1")
            }
            guard rate > 0, interval > 0 else { throw ValidationError("--rate and --interval must be positive") }
            if let recompressLevel, !(1...9).contains(recompressLevel) {
                throw ValidationError("--recompress-level must be from 1 to 9")
            }
        }

        func run() throws {
            let folder = try Self.temporaryFolder()
            defer { if !keep { try? FileManager.default.removeItem(atPath: folder) } }
            let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
            let policyPath = folder + "/retention.json"
            try """
            {"version": 1, "frameworks": [], "default": {"online_days": \(onlineDays), "keep_days": \(keepDays)},
             "alerts": {"keep_days": 400}, "report_exports": {"keep_days": 400}, "schedule": {"every_minutes": 1440}}
            """.write(toFile: policyPath, atomically: true, encoding: .utf8)
            let policy = try RetentionPolicy.load(path: policyPath)

            let offline = DataDirectory(root: folder + "/offline")
            log("generating \(events) events over \(days) days into \(offline.root)")
            let started = Date()
            try generate(into: offline, now: now)
            let bytesBefore = IngestBenchmark.directorySize(offline.root)
            log(String(format: "generated in %.1f s: %d bytes (%.1f bytes/event)", Date().timeIntervalSince(started),
                       bytesBefore, Double(bytesBefore) / Double(events)))
            let live = DataDirectory(root: folder + "/live")
            if !offlineOnly { try FileManager.default.copyItem(atPath: offline.root, toPath: live.root) }

            log("retention run (offline, by hand)")
            let cpuBefore = Self.cpuSeconds()
            let runStart = Date()
            var job = RetentionJob(directory: offline, policy: policy)
            job.archiveLevel = recompressLevel
            let report = try job.run(now: Int64(Date().timeIntervalSince1970 * 1_000_000), dryRun: false)
            let seconds = Date().timeIntervalSince(runStart)
            let cpu = Self.cpuSeconds() - cpuBefore
            let bytesAfter = IngestBenchmark.directorySize(offline.root)
            let statistics = try StoreStatistics.read(offline, from: nil, to: nil)
            let verifyStart = Date()
            let verification = try StoreVerifier(directory: offline).verify()
            let verifySeconds = Date().timeIntervalSince(verifyStart)
            let online = statistics.storedEvents - statistics.archivedEvents
            let onlineBytes = statistics.storedBytes - statistics.archivedBytes
            print(
                """
                store            \(events) events over \(days) days; \(bytesBefore) bytes \
                (\(Self.format(Double(bytesBefore) / Double(events))) bytes/event)
                policy           online_days \(onlineDays), keep_days \(keepDays)
                run              \(Self.format(seconds, 2)) s wall, \(Self.format(cpu, 2)) s CPU \
                (\(Self.format(cpu * 1e6 / Double(events), 2)) µs CPU/event over the store)
                archived         \(report.archive.blocks) blocks, \(report.archive.events) events; payload \
                \(report.archive.bytesBefore) -> \(report.archive.bytesAfter) bytes \
                (\(Self.perEvent(report.archive.bytesBefore, report.archive.events)) -> \
                \(Self.perEvent(report.archive.bytesAfter, report.archive.events)) bytes/event)
                deleted          \(report.record.blocksDeleted) blocks, \(report.record.eventsDeleted) events; \
                \(report.partitionsDropped.count) partitions dropped
                after            \(bytesAfter) bytes on disk; online \(online) events \
                (\(Self.perEvent(onlineBytes, online)) bytes/event), archive \(statistics.archivedEvents) events \
                (\(Self.perEvent(statistics.archivedBytes, statistics.archivedEvents)) bytes/event, whole files)
                verify           \(verification.isIntact ? "intact" : "FAILED: \(verification.failure!)") in \
                \(Self.format(verifySeconds, 2)) s (\(verification.archivedBlocks) archived blocks, \
                \(verification.tombstones) tombstones, \(verification.runRecords) run record)
                """)
            guard verification.isIntact else { throw ExitCode(1) }
            if !offlineOnly { try liveRun(folder: folder, data: live, policyPath: policyPath) }
        }

        /// Writes `events` generated events into `directory` through the event writer, day by day,
        /// in blocks of up to 16,384.
        private func generate(into directory: DataDirectory, now: Int64) throws {
            let day: Int64 = 86_400_000_000
            let newest = (now / day - Int64(newestDays)) * day
            let start = newest - Int64(days - 1) * day
            let perSlice = 500_000
            let slices = (events + perSlice - 1) / perSlice
            let writer = try EventWriter(directory: directory)
            let decoder = EventDecoder(fingerprinter: nil)
            let span = Double(days) * 86_400
            for slice in 0..<slices {
                let count = min(perSlice, events - slice * perSlice)
                var traffic = TrafficConfiguration(seed: seed &+ UInt64(slice), events: count, connections: 2)
                traffic.eventsPerSecond = Double(events) / span
                traffic.startMicros = start + Int64(Double(slice * perSlice) / traffic.eventsPerSecond * 1e6)
                let load = GeneratedLoad.generate(traffic)
                var batch: [AuditEvent] = []
                batch.reserveCapacity(16_384)
                for stream in load.streams {
                    for index in 0..<stream.lineCount {
                        let line = stream.line(index).dropLast()
                        let decoded = line.withUnsafeBytes { decoder.decode($0) }
                        guard case .success(var event) = decoded else { continue }
                        event.receivedAt = event.timestamp + 2_000
                        batch.append(event)
                        if batch.count == 16_384 {
                            try writer.write(batch, now: now)
                            batch.removeAll(keepingCapacity: true)
                        }
                    }
                    if !batch.isEmpty {
                        try writer.write(batch, now: now)
                        batch.removeAll(keepingCapacity: true)
                    }
                }
            }
            try writer.close(now: now)
        }

        /// Starts the daemon on `data` with the job every `interval` seconds, sends acknowledged
        /// events while it runs, and prints the ack latencies.
        private func liveRun(folder: String, data: DataDirectory, policyPath: String) throws {
            let executable = try BenchCommand.executable()
            let socket = folder + "/jwtaudit.sock"
            log("live: starting serve on \(data.root), retention every \(interval) s, \(Int(rate)) events/s")
            let daemon = try DaemonProcess.launch(
                executable: executable,
                arguments: [
                    "serve", "--socket", socket, "--data", data.root, "--http", "off", "--retention", policyPath,
                    "--retention-interval-seconds", "\(interval)",
                ],
                logPath: folder + "/daemon.log")
            try daemon.waitUntilAccepting(socketPath: socket, timeout: .seconds(120))
            let seconds = interval + 40
            var traffic = TrafficConfiguration(seed: seed &+ 1_000, events: Int(rate * seconds), connections: 2)
            traffic.startMicros = Int64(Date().timeIntervalSince1970 * 1_000_000)
            traffic.eventsPerSecond = rate
            let load = GeneratedLoad.generate(traffic)
            var driver = LoadDriverConfiguration(socketPath: socket)
            driver.clientName = "bench-retention-\(getpid())"
            driver.eventsPerSecond = rate
            driver.chunkBytes = 16 * 1024
            let loadStart = Date().timeIntervalSince1970
            let report = try LoadDriver.run(load, configuration: driver)
            let loadEnd = Date().timeIntervalSince1970
            let exit = daemon.terminate(timeout: .seconds(120))
            let runs = try RetentionLedger(directory: data, readOnly: true).runs()
            let overlapping = runs.filter {
                Double($0.startedAt) / 1e6 < loadEnd && Double($0.finishedAt ?? $0.startedAt) / 1e6 > loadStart
            }
            let deleted = runs.reduce(0) { $0 + $1.blocksDeleted }
            print(
                """
                live run         \(runs.count) run(s) in the daemon, \(overlapping.count) during the load \
                (\(deleted) blocks deleted; see the daemon log for each run)
                load             \(report.eventsAcknowledged) events acknowledged at \(Int(rate)) events/s over \
                \(Self.format(report.elapsedSeconds, 1)) s
                ack latency      p50 \(Self.format((report.ackLatency?.p50 ?? 0) * 1000, 1)) ms, p99 \
                \(Self.format((report.ackLatency?.p99 ?? 0) * 1000, 1)) ms, max \
                \(Self.format((report.ackLatency?.max ?? 0) * 1000, 1)) ms (\(report.ackLatency?.count ?? 0) chunks)
                daemon exit      \(exit) after SIGTERM
                """)
            if exit != 0 || overlapping.isEmpty || !report.failures.isEmpty { throw ExitCode(1) }
        }

        private func log(_ text: String) {
            FileHandle.standardError.write(Data("bench: \(text)\n".utf8))
        }

        static func temporaryFolder() throws -> String {
            var template = Array((NSTemporaryDirectory() + "/jwtaudit-bench-retention-XXXXXX").utf8CString)
            guard let pointer = template.withUnsafeMutableBufferPointer({ mkdtemp($0.baseAddress!) }) else {
                throw ValidationError("cannot create a temporary folder")
            }
            return String(cString: pointer)
        }

        static func cpuSeconds() -> Double {
            var usage = rusage()
            getrusage(Int32(RUSAGE_SELF.rawValue), &usage)
            return Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6 + Double(usage.ru_stime.tv_sec)
                + Double(usage.ru_stime.tv_usec) / 1e6
        }

        static func format(_ value: Double, _ digits: Int = 1) -> String {
            String(format: "%.\(digits)f", value)
        }

        static func perEvent(_ bytes: Int64, _ events: Int64) -> String {
            events > 0 ? format(Double(bytes) / Double(events)) : "-"
        }
    }
}
