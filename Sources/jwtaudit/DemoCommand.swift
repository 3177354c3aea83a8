import ArgumentParser
import Foundation
import JWTAuditAlerting
import JWTAuditDetection
import JWTAuditLoad

/// `jwtaudit demo`.
struct DemoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "A tour: a daemon on a temporary folder, benign traffic and one attack after another, alerts as they fire.",
        discussion: """
            Starts `jwtaudit serve` on a temporary socket and folder, sends benign traffic with each \
            attack scenario mixed in (jwtaudit loadgen --list-scenarios), prints every alert as it is \
            stored, and ends with the alert table. logging_gap is left out: it needs minutes of real silence.
            """)

    @Option(help: "Benign events around each attack (at least 10,000).")
    var events = 12_000

    @Flag(help: "Keep the temporary folder (socket, data, daemon log).")
    var keep = false

    func validate() throws {
        guard events >= 10_000 else { throw ValidationError("--events must be at least 10,000") }
    }

    func run() throws {
        guard let executable = DaemonProcess.currentExecutablePath() else {
            throw ValidationError("cannot locate this executable (/proc/self/exe)")
        }
        var configuration = DemoTour.Configuration(executable: executable)
        configuration.eventsPerAttack = events
        configuration.keep = keep
        let result = try DemoTour.run(configuration, say: { print("== \($0)") }) { alert in
            guard alert.severity >= .medium else { return }  // the benign mix's double refreshes
            print("  ALERT \(alert.severity.name.uppercased()) \(alert.rule) [\(TableCell.clean(alert.key.description))]: "
                + TableCell.clean(alert.summary))
        }
        let shown = result.alerts.filter { $0.severity >= .medium }.sorted { $0.id < $1.id }
        print(
            "\n\(result.events) events stored; \(shown.count) alerts of severity medium or above "
                + "(and \(result.alerts.count - shown.count) low ones: benign double refreshes, `jwtaudit alerts list` shows them):\n")
        AlertsCommand.render(shown, format: .table)
        if let folder = result.folder { print("\nkept \(folder)") }
    }
}
