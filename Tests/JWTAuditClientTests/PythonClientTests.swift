import Foundation
import JWTAuditTesting
import Testing

/// The Python reference client (clients/python) against the real daemon.
@Suite struct PythonClientTests {
    private var script: String { repositoryRoot() + "/clients/python/jwtaudit_client.py" }

    private func python(_ arguments: [String], stdin: String? = nil) throws -> (process: Process, output: Pipe, error: Pipe) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", script] + arguments
        let output = Pipe()
        let error = Pipe()
        let input = Pipe()
        process.standardOutput = output
        process.standardError = error
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(Data(stdin.utf8)) }
        try input.fileHandleForWriting.close()
        return (process, output, error)
    }

    private func finish(_ run: (process: Process, output: Pipe, error: Pipe)) throws -> (status: Int32, counters: [String: Any], log: String) {
        let output = run.output.fileHandleForReading.readDataToEndOfFile()
        let log = String(decoding: run.error.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.process.waitUntilExit()
        let counters = (try? JSONSerialization.jsonObject(with: output) as? [String: Any]) ?? [:]
        return (run.process.terminationStatus, counters, log)
    }

    @Test("NDJSON on stdin: each line stored with the producer's seq; a bad line is reported with its seq")
    func stdinEvents() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let lines = [
            #"{"outcome":"accepted","sub":"alice"}"#,
            #"{"outcome":"rejected","reason":"expired","sub":"bob","client_ip":"203.0.113.5"}"#,
            #"{"outcome":"rejected","reason":"bad_signature","client_ip":"nope"}"#,
        ]
        let run = try python(["--socket", daemon.socketPath, "--service", "py-stdin", "--producer", "py-1"],
                             stdin: lines.joined(separator: "\n") + "\n")
        let result = try finish(run)
        #expect(result.status == 1, "one line is rejected: \(result.log)")
        #expect(result.counters["acknowledged"] as? Int == 2)
        #expect((result.counters["rejected"] as? [String: Int]) == ["invalid_field": 1])
        #expect(result.log.contains("rejected seq 3: invalid_field client_ip"))
        let events = try storedEvents(daemon.dataPath, ["--service", "py-stdin"])
        #expect(sequences(events) == [1, 2])
        #expect(Set(events.compactMap { $0["producer"] as? String }) == ["py-1"])
        #expect(try daemon.stop() == 0)
    }

    @Test("a daemon restart mid-stream: the Python client reconnects, resends, and nothing is stored twice")
    func restartMidStream() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        // 3,000 events at 500/s (6 s, long enough to be mid-stream after the wait below even on a
        // slow machine or under a sanitizer); the daemon is killed and is back 0.5 s later.
        let run = try python([
            "--socket", daemon.socketPath, "--service", "py-restart", "--generate", "3000", "--rate", "500",
            "--timeout", "60",
        ])
        // Kill once some of its events are stored (the interpreter may start slowly).
        #expect(try eventually(timeout: 30) { try storedEvents(daemon.dataPath, ["--service", "py-restart"]).count >= 200 })
        try daemon.kill()
        Thread.sleep(forTimeInterval: 0.5)
        try daemon.start()
        let result = try finish(run)
        #expect(result.status == 0, "python client: \(result.log)")
        #expect(result.counters["acknowledged"] as? Int == 3_000)
        #expect(result.counters["abandoned"] as? Int == 0)
        #expect((result.counters["reconnects"] as? Int ?? 0) >= 1, "\(result.log)")
        let events = try storedEvents(daemon.dataPath, ["--service", "py-restart"])
        #expect(sequences(events) == Array(1...3_000))
        #expect(Set(events.compactMap { ($0["attrs"] as? [String: Any])?["n"] as? String }).count == 3_000)
        #expect(try daemon.stop() == 0)
    }
}
