import ArgumentParser
import Foundation
import JWTAuditDetection
import JWTAuditModel
import JWTAuditStore

/// `jwtaudit alerts`: list, inspect and triage the alerts in `DATA/alerts.sqlite`.
struct AlertsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts",
        abstract: "List, show and triage alerts (works while the daemon runs).",
        discussion:
            "Every change (status, note, assignee) is kept in the alert's append-only history with who and when.",
        subcommands: [List.self, Show.self, Acknowledge.self, Resolve.self, FalsePositive.self, Note.self, Assign.self]
    )

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "list", abstract: "Alerts, newest last_seen first.")

        @OptionGroup var data: AlertDataOption

        @Option(help: "open, acknowledged, resolved or false_positive.")
        var status: String?

        @Option(help: "A rule id, e.g. brute_force_signature.")
        var rule: String?

        @Option(help: "Minimum severity: low, medium, high or critical (high shows high and critical).")
        var severity: String?

        @Option(help: "Only alerts last seen at or after: RFC 3339 or a duration back from now (15m, 2h, 7d).")
        var since: String?

        @Option(help: "Most alerts to print; 0 for all.")
        var limit: Int = 100

        @Option(help: "table, ndjson (one alert per line) or json (an array).")
        var format: OutputFormat = .table

        func run() throws {
            var filter = AlertFilter()
            if let status {
                guard let value = AlertStatus(name: status) else {
                    throw ValidationError(
                        "--status must be one of: \(AlertStatus.allCases.map(\.name).joined(separator: ", "))")
                }
                filter.status = value
            }
            if let severity {
                guard let value = Severity(name: severity) else {
                    throw ValidationError(
                        "--severity must be one of: \(Severity.allCases.map(\.name).joined(separator: ", "))")
                }
                filter.minimumSeverity = value
            }
            if let since {
                guard let value = TimeBound.parse(since, now: currentMicros()) else {
                    throw ValidationError(
                        "--since \(since): expected RFC 3339 (2026-11-29T10:00:00Z) or a duration (15m, 2h, 7d)")
                }
                filter.since = value
            }
            guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
            filter.rule = rule
            filter.limit = limit == 0 ? nil : limit

            let alerts = try AlertsCommand.failing { try data.reader()?.list(filter) ?? [] }
            AlertsCommand.render(alerts, format: format)
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "show", abstract: "One alert with its samples, notes and history.")

        @Argument(help: "The alert id.")
        var id: Int64

        @OptionGroup var data: AlertDataOption

        @Option(help: "table (a readable layout) or json (the alert object with its history).")
        var format: OutputFormat = .table

        func run() throws {
            let alert = try AlertsCommand.failing {
                guard let alert = try data.reader()?.alert(id: id) else {
                    throw AlertStoreError(.unknownAlert, alertID: id, "alert \(id) does not exist")
                }
                return alert
            }
            switch format {
            case .json, .ndjson: print(AlertJSON.encode(alert, includeHistory: true))
            case .table: print(AlertsCommand.layout(alert))
            }
        }
    }

    struct Acknowledge: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "ack", abstract: "Mark an alert acknowledged: someone is looking at it.")

        @OptionGroup var change: AlertStatusOptions

        func run() throws { try change.apply(.acknowledged) }
    }

    struct Resolve: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "resolve", abstract: "Mark an alert resolved; the next finding opens a new alert.")

        @OptionGroup var change: AlertStatusOptions

        func run() throws { try change.apply(.resolved) }
    }

    struct FalsePositive: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "false-positive",
            abstract: "Mark an alert a false positive; the next finding opens a new alert.")

        @OptionGroup var change: AlertStatusOptions

        func run() throws { try change.apply(.falsePositive) }
    }

    struct Note: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "note", abstract: "Add a note to an alert.")

        @Argument(help: "The alert id.")
        var id: Int64

        @Option(help: "Who writes the note (recorded in the history).")
        var by: String

        @Option(help: "The note.")
        var text: String

        @OptionGroup var data: AlertDataOption

        func run() throws {
            try AlertsCommand.failing {
                try data.writer(for: id).addNote(id: id, by: by, text: text, now: currentMicros())
            }
            print("alert \(id): note added by \(TableCell.clean(by))")
        }
    }

    struct Assign: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "assign", abstract: "Assign an alert to someone.")

        @Argument(help: "The alert id.")
        var id: Int64

        @Option(help: "Who the alert is assigned to.")
        var to: String

        @Option(help: "Who makes the change (recorded in the history).")
        var by: String

        @OptionGroup var data: AlertDataOption

        func run() throws {
            try AlertsCommand.failing {
                try data.writer(for: id).assign(id: id, to: to, by: by, now: currentMicros())
            }
            print("alert \(id): assigned to \(TableCell.clean(to)) by \(TableCell.clean(by))")
        }
    }

    /// Prints alerts as NDJSON, a JSON array or a table.
    static func render(_ alerts: [Alert], format: OutputFormat) {
        switch format {
        case .ndjson:
            var buffer: [UInt8] = []
            for alert in alerts {
                AlertJSON.append(alert, to: &buffer)
                buffer.append(0x0A)
            }
            FileHandle.standardOutput.write(Data(buffer))
        case .json:
            print("[" + alerts.map { AlertJSON.encode($0) }.joined(separator: ",") + "]")
        case .table:
            let rows = alerts.map { alert in
                [
                    String(alert.id), alert.severity.name, TableCell.clean(alert.rule),
                    TableCell.clean(alert.key.description), String(alert.count), Timestamp.format(alert.firstSeen),
                    Timestamp.format(alert.lastSeen), alert.status.name, TableCell.clean(alert.assignee ?? "-"),
                ]
            }
            print(
                renderTable(
                    header: [
                        "ID", "SEVERITY", "RULE", "KEY", "COUNT", "FIRST_SEEN", "LAST_SEEN", "STATUS", "ASSIGNEE",
                    ],
                    rows: rows))
        }
    }

    /// Runs `body`; a refused operation or a missing data folder is printed and exits 1.
    @discardableResult
    static func failing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as AlertStoreError {
            FileHandle.standardError.write(Data("jwtaudit alerts: \(error.message)\n".utf8))
            throw ExitCode(1)
        } catch let error as AlertDataOption.Missing {
            FileHandle.standardError.write(Data("jwtaudit alerts: \(error.description)\n".utf8))
            throw ExitCode(1)
        }
    }

    /// The alert as readable text; event-derived values have control characters escaped.
    static func layout(_ alert: Alert) -> String {
        var lines: [String] = []
        func field(_ name: String, _ value: String) {
            lines.append(name.padding(toLength: 12, withPad: " ", startingAt: 0) + value)
        }
        lines.append("alert \(alert.id)  \(alert.severity.name)  \(printable(alert.rule))  \(alert.status.name)")
        field("key", printable(alert.key.description))
        field("summary", printable(alert.summary))
        field("count", String(alert.count))
        field("first seen", Timestamp.format(alert.firstSeen))
        field("last seen", Timestamp.format(alert.lastSeen))
        field("assignee", printable(alert.assignee ?? "-"))
        field("mitre", alert.techniques.isEmpty ? "-" : printable(alert.techniques.joined(separator: ", ")))
        field("compliance", alert.tags.isEmpty ? "-" : printable(alert.tags.joined(separator: ", ")))
        field("created", Timestamp.format(alert.createdAt))
        field("updated", Timestamp.format(alert.updatedAt))

        lines.append("")
        lines.append("samples (\(alert.samples.count)):")
        let samples = alert.samples.map { sample in
            [
                Timestamp.format(sample.timestamp), sample.service, sample.kind.name, sample.outcome?.name ?? "-",
                sample.reason?.name ?? "-", sample.subject ?? "-", sample.clientIP ?? "-", sample.tokenID ?? "-",
                sample.keyID ?? "-", sample.algorithm ?? "-",
            ].map(TableCell.clean)
        }
        let table = renderTable(
            header: ["TS", "SERVICE", "KIND", "OUTCOME", "REASON", "SUB", "CLIENT_IP", "JTI", "KID", "ALG"],
            rows: samples)
        lines += table.split(separator: "\n").map { "  " + $0 }

        lines.append("")
        lines.append("notes (\(alert.notes.count)):")
        for note in alert.notes {
            lines.append("  \(Timestamp.format(note.at))  \(printable(note.author)):")
            lines += note.text.split(separator: "\n", omittingEmptySubsequences: false).map {
                "    " + printable(String($0))
            }
        }

        lines.append("")
        lines.append("history (\(alert.history.count)):")
        let changes = alert.history.map { change in
            [
                Timestamp.format(change.at), TableCell.clean(change.by), change.action,
                TableCell.clean(change.from ?? "-"), TableCell.clean(change.to ?? "-"),
                TableCell.clean(change.note ?? "-"),
            ]
        }
        let history = renderTable(header: ["AT", "BY", "ACTION", "FROM", "TO", "NOTE"], rows: changes)
        lines += history.split(separator: "\n").map { "  " + $0 }
        return lines.joined(separator: "\n")
    }

    /// `text` with control characters escaped, so stored data cannot move the terminal cursor.
    static func printable(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}

/// `--data`, and how the alert commands open the store in it.
struct AlertDataOption: ParsableArguments {
    /// The data folder does not exist.
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    @Option(name: .customLong("data"), help: "Data folder.")
    var path: String = "./jwtaudit-data"

    var directory: DataDirectory { DataDirectory(root: path) }

    /// A read-only store, or nil when no alert was ever stored.
    func reader() throws -> AlertStore? {
        guard FileManager.default.fileExists(atPath: directory.root) else {
            throw Missing(description: "no data folder at \(path)")
        }
        guard FileManager.default.fileExists(atPath: directory.alertsPath) else { return nil }
        return try AlertStore(directory: directory, readOnly: true)
    }

    /// A writing store for a change to alert `id`; an unknown id when no alert was ever stored.
    func writer(for id: Int64) throws -> AlertStore {
        guard FileManager.default.fileExists(atPath: directory.root) else {
            throw Missing(description: "no data folder at \(path)")
        }
        guard FileManager.default.fileExists(atPath: directory.alertsPath) else {
            throw AlertStoreError(.unknownAlert, alertID: id, "alert \(id) does not exist")
        }
        return try AlertStore(path: directory.alertsPath)
    }
}

/// The alert id, `--by`, `--note` and `--data` of `ack`, `resolve` and `false-positive`.
struct AlertStatusOptions: ParsableArguments {
    @Argument(help: "The alert id.")
    var id: Int64

    @Option(help: "Who makes the change (recorded in the history).")
    var by: String

    @Option(help: "A note kept with the change.")
    var note: String?

    @OptionGroup var data: AlertDataOption

    func apply(_ status: AlertStatus) throws {
        let before = try AlertsCommand.failing { () throws -> AlertStatus in
            let store = try data.writer(for: id)
            let alert = try store.setStatus(id: id, to: status, by: by, note: note, now: currentMicros())
            return alert.history.last?.from.flatMap(AlertStatus.init(name:)) ?? alert.status
        }
        print("alert \(id): \(before.name) -> \(status.name) by \(TableCell.clean(by))")
    }
}
