import ArgumentParser
import Foundation
import JWTAuditStore

struct StatsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "stats",
        abstract: "Counts by service, outcome and reason (from the per-minute rollups), and stored bytes.")

    @Option(help: "Data folder.")
    var data: String = "./jwtaudit-data"

    @OptionGroup var range: TimeRangeOptions

    @Option(help: "json or table.")
    var format: OutputFormat = .table

    func run() throws {
        let (from, to) = try range.resolve(now: currentMicros())
        let stats = try StoreStatistics.read(DataDirectory(root: data), from: from, to: to)
        switch format {
        case .json, .ndjson:
            let object = stats.jsonObject
            let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        case .table:
            let rows = stats.groups.map {
                [TableCell.clean($0.service), $0.outcome?.name ?? "-", $0.reason?.name ?? "-", String($0.events)]
            }
            print(renderTable(header: ["SERVICE", "OUTCOME", "REASON", "EVENTS"], rows: rows))
            print("")
            print("events in range: \(stats.totalEvents)")
            print("stored: \(stats.storedEvents) events, \(stats.storedBytes) bytes", terminator: "")
            if let perEvent = stats.bytesPerEvent {
                print(String(format: ", %.1f bytes/event", perEvent))
            } else {
                print("")
            }
        }
    }
}
