import ArgumentParser
import Foundation
import JWTAuditLoad
import JWTAuditModel

/// `jwtaudit loadgen`: realistic, seeded JWT validation traffic, sent to the daemon or written
/// to a file.
struct LoadgenCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loadgen",
        abstract: "Generate realistic JWT validation events and send them to the daemon (or to a file).",
        discussion: """
            The traffic is deterministic for a seed (and --start): 40 services, 4 issuers (RS256, \
            ES256, EdDSA) that each rotate their key once, 100,000 subjects with a Zipf-like skew, \
            50,000 client addresses (IPv4 and IPv6), 10 clients and their user agents, access tokens \
            reused across requests and in bursts, refresh-token families (issue, refresh and rotate, \
            logout), and about 5% rejections, mostly just-expired tokens, kept below every detector's \
            threshold. Each connection carries its own share, with `seq` 1, 2, 3... All bytes are \
            generated before sending starts, so sending costs little CPU. Timestamps start at \
            --start and advance at --rate events/s (10,000/s when --rate is 0), or span \
            --simulated-minutes.

            --scenario NAME mixes one attack into connection 0 at --attack-at of the span \
            (--list-scenarios names them). A scenario that needs more event time than the events \
            would span (a 10-minute baseline) lengthens the span; timestamps then end about now \
            unless --start is given. See docs/loadgen.md.
            """
    )

    @Option(help: "The daemon's Unix socket.")
    var socket = "./jwtaudit.sock"

    @Option(help: "Events over all connections.")
    var events = 100_000

    @Option(help: "Parallel connections (producers), each on its own thread.")
    var connections = 1

    @Option(help: "Events per second over all connections; 0 sends as fast as possible.")
    var rate: Double = 0

    @Option(help: "Seed of the traffic.")
    var seed: UInt64 = 1

    @Flag(inversion: .prefixedNo, help: "Acknowledged mode (hello, wait for every ack) or fire-and-forget.")
    var ack = true

    @Option(help: "Time of the first event: RFC 3339 or seconds since the epoch. Default: now.")
    var start: String?

    @Option(help: "Producer name prefix for the hello (connection i sends NAME-i). Default: unique per run.")
    var client: String?

    @Option(help: "Write the NDJSON (no hello lines) to this file (`-`: standard output) instead of sending.")
    var out: String?

    @Option(help: "Mix this attack into the traffic (see --list-scenarios).")
    var scenario: String?

    @Option(help: "Where the attack starts, as a share of the event-time span (0 to 0.75).")
    var attackAt = 0.1

    @Option(help: "Event time the events span, in minutes (simulated time). Default: events / rate.")
    var simulatedMinutes: Double?

    @Flag(help: "List the attack scenarios, one a line, and exit.")
    var listScenarios = false

    func validate() throws {
        guard events >= 0 else { throw ValidationError("--events must not be negative") }
        guard connections >= 1 && connections <= 1024 else {
            throw ValidationError("--connections must be between 1 and 1024")
        }
        guard rate >= 0 && rate.isFinite else { throw ValidationError("--rate must be 0 or positive") }
        if let start, parseStart(start) == nil {
            throw ValidationError("--start must be RFC 3339 (2025-11-29T00:00:00Z) or seconds since the epoch")
        }
        if let scenario, AttackScenario(rawValue: scenario) == nil {
            throw ValidationError("unknown scenario \(scenario); --list-scenarios names them")
        }
        guard attackAt >= 0 && attackAt <= 0.75 else { throw ValidationError("--attack-at must be between 0 and 0.75") }
        if let simulatedMinutes, !(simulatedMinutes > 0 && simulatedMinutes.isFinite) {
            throw ValidationError("--simulated-minutes must be positive")
        }
        if scenario != nil && events < 10_000 && !listScenarios {
            throw ValidationError("--scenario needs at least 10,000 --events (the attack must stay a small part)")
        }
    }

    func run() async throws {
        if listScenarios {
            let width = AttackScenario.allCases.map(\.id.count).max() ?? 0
            for scenario in AttackScenario.allCases {
                print(scenario.id.padding(toLength: width + 2, withPad: " ", startingAt: 0) + scenario.summary)
            }
            return
        }
        var traffic = TrafficConfiguration(seed: seed, events: events, connections: connections)
        if rate > 0 { traffic.eventsPerSecond = rate }
        if let simulatedMinutes, events > 0 { traffic.eventsPerSecond = Double(events) / (simulatedMinutes * 60) }
        traffic.scenario = scenario.flatMap(AttackScenario.init(rawValue:))
        traffic.attackAt = attackAt
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        // Simulated time ends about now: the traffic happened over the last minutes.
        let simulated = simulatedMinutes != nil || traffic.effectiveEventsPerSecond < traffic.eventsPerSecond
        traffic.startMicros =
            start.flatMap(parseStart) ?? (simulated ? now - Int64(traffic.spanSeconds * 1_000_000) : now)
        if let scenario = traffic.scenario, let attack = traffic.attackStartMicros {
            note(
                "scenario \(scenario.id): attack at \(RFC3339.format(micros: attack)); event time spans "
                    + "\(String(format: "%.1f", traffic.spanSeconds / 60)) min"
                    + (traffic.effectiveEventsPerSecond < traffic.eventsPerSecond
                        ? " (lengthened for the scenario)" : "")
            )
        }
        let generateStart = Date()
        let load = GeneratedLoad.generate(traffic)
        let generateSeconds = Date().timeIntervalSince(generateStart)

        if let out {
            try write(load, to: out)
            let perEvent = Double(load.byteCount) / Double(max(1, load.eventCount))
            note(
                "wrote \(load.eventCount) events, \(load.byteCount) bytes "
                    + "(\(String(format: "%.1f", perEvent)) bytes/event) "
                    + "to \(out) in \(String(format: "%.2f", generateSeconds)) s"
            )
            return
        }

        var driver = LoadDriverConfiguration(socketPath: socket)
        driver.acknowledged = ack
        driver.eventsPerSecond = rate
        driver.clientName = client ?? "loadgen-\(getpid())-\(Int(Date().timeIntervalSince1970))"
        let report: LoadReport
        do {
            report = try LoadDriver.run(load, configuration: driver)
        } catch {
            note("jwtaudit loadgen: \(error)")
            throw ExitCode(2)
        }
        print("events sent    \(report.eventsSent)")
        if ack {
            print("acked          \(report.eventsAcknowledged)")
            print("rejected       \(report.eventsRejected)")
        }
        print(
            "elapsed        \(String(format: "%.3f", report.elapsedSeconds)) s"
                + (ack ? " (first byte to last ack)" : " (first to last byte written)")
        )
        print("events/s       \(String(format: "%.0f", report.eventsPerSecond))")
        if let latency = report.ackLatency {
            print(
                "ack latency    p50 \(milliseconds(latency.p50)) ms, p99 \(milliseconds(latency.p99)) ms, "
                    + "max \(milliseconds(latency.max)) ms"
            )
        }
        for (connection, error) in report.sampleErrors {
            note("connection \(connection): \(error)")
        }
        for failure in report.failures {
            note("jwtaudit loadgen: \(failure)")
        }
        if !report.failures.isEmpty { throw ExitCode(2) }
        if report.eventsRejected > 0 { throw ExitCode(1) }
    }

    private func write(_ load: GeneratedLoad, to path: String) throws {
        let handle: FileHandle
        if path == "-" {
            handle = FileHandle.standardOutput
        } else {
            guard FileManager.default.createFile(atPath: path, contents: nil) else {
                throw ValidationError("cannot create \(path)")
            }
            guard let opened = FileHandle(forWritingAtPath: path) else { throw ValidationError("cannot open \(path)") }
            handle = opened
        }
        for stream in load.streams {
            try handle.write(contentsOf: stream.bytes)
        }
        if path != "-" { try handle.close() }
    }
}

private func parseStart(_ text: String) -> Int64? {
    if let seconds = Int64(text) { return seconds * 1_000_000 }
    return Timestamp.parseRFC3339(text)
}

private func milliseconds(_ seconds: Double) -> String {
    String(format: "%.1f", seconds * 1000)
}

private func note(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
