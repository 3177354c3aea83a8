import Foundation
import JWTAuditDetection
import JWTAuditLoad
import JWTAuditStore

/// `jwtaudit demo`: a daemon on a temporary folder, benign traffic with one attack after another
/// mixed in, each new alert printed as it is stored, then the alert table.
///
/// Each attack gets its own stretch of simulated event time, one after the other, ending now. Two
/// rules cannot show in a live tour of compressed time: `logging_gap` judges silence on arrival
/// time (it needs minutes of real silence), and the tour skips it.
public enum DemoTour {
    public struct Configuration: Sendable {
        /// This executable, to run `serve`.
        public var executable: String
        /// Benign events around each attack.
        public var eventsPerAttack = 12_000
        public var scenarios = AttackScenario.allCases.filter { $0 != .loggingGap }
        /// Keep the temporary folder afterwards.
        public var keep = false

        public init(executable: String) {
            self.executable = executable
        }
    }

    public struct Result: Sendable {
        public var alerts: [Alert]
        public var events: Int
        public var folder: String?
    }

    public static func run(
        _ configuration: Configuration, say: @escaping (String) -> Void, alert: @escaping (Alert) -> Void
    ) throws -> Result {
        let folder = try makeFolder()
        defer { if !configuration.keep { try? FileManager.default.removeItem(atPath: folder) } }
        let socket = folder + "/jwtaudit.sock"
        let data = folder + "/data"
        let rules = folder + "/rules.yaml"
        // The tour's retired key is marked retired, so retired_key shows its uses too.
        try "version: 1\nrules:\n  retired_key:\n    retired_kids: [\"\(AttackScenario.retiredKeyID)\"]\n"
            .write(toFile: rules, atomically: true, encoding: .utf8)
        let daemon = try DaemonProcess.launch(
            executable: configuration.executable,
            arguments: ["serve", "--socket", socket, "--data", data, "--rules", rules],
            logPath: folder + "/daemon.log")
        defer { _ = daemon.terminate(timeout: .seconds(30)) }
        try daemon.waitUntilAccepting(socketPath: socket, timeout: .seconds(30))
        say("daemon running on \(socket), data in \(data)")

        var traffic = configuration.scenarios.enumerated().map { index, scenario in
            var traffic = TrafficConfiguration(seed: UInt64(index + 1), events: configuration.eventsPerAttack)
            traffic.scenario = scenario
            return traffic
        }
        // Lay the attacks end to end in event time, the last ending about now.
        var start = Int64(Date().timeIntervalSince1970 * 1_000_000)
        for index in traffic.indices.reversed() {
            start -= Int64(traffic[index].spanSeconds * 1_000_000) + 60_000_000
            traffic[index].startMicros = start
        }
        var seen: Set<Int64> = []
        var events = 0
        for (index, scenario) in configuration.scenarios.enumerated() {
            say("attack \(index + 1)/\(configuration.scenarios.count): \(scenario.id): \(scenario.summary)")
            var driver = LoadDriverConfiguration(socketPath: socket)
            driver.clientName = "demo-\(scenario.id)"
            let report = try LoadDriver.run(GeneratedLoad.generate(traffic[index]), configuration: driver)
            events += report.eventsAcknowledged
            // Alerts arrive within a second of the acknowledgement.
            let deadline = Date().addingTimeInterval(2)
            repeat {
                for stored in try newAlerts(data, seen: &seen) { alert(stored) }
                Thread.sleep(forTimeInterval: 0.2)
            } while Date() < deadline
        }
        let alerts = try AlertStore(directory: DataDirectory(root: data), readOnly: true).list()
        return Result(alerts: alerts, events: events, folder: configuration.keep ? folder : nil)
    }

    private static func newAlerts(_ data: String, seen: inout Set<Int64>) throws -> [Alert] {
        let directory = DataDirectory(root: data)
        guard FileManager.default.fileExists(atPath: directory.alertsPath) else { return [] }
        let alerts = try AlertStore(directory: directory, readOnly: true).list()
        return alerts.reversed().filter { seen.insert($0.id).inserted }
    }

    private static func makeFolder() throws -> String {
        var template = Array((NSTemporaryDirectory() + "/jwtaudit-demo-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else { throw CocoaError(.fileWriteUnknown) }
        return String(cString: made)
    }
}
