import ArgumentParser
import Foundation
import JWTAuditModel
import JWTAuditStore

struct QuarantineCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "quarantine",
        abstract: "Show the newest rejected lines (first bytes, tokens redacted), newest first.")

    @Option(help: "Data folder.")
    var data: String = "./jwtaudit-data"

    @Option(help: "How many lines.")
    var limit: Int = 50

    @Option(help: "ndjson or table.")
    var format: OutputFormat = .table

    func run() throws {
        let directory = DataDirectory(root: data)
        guard FileManager.default.fileExists(atPath: directory.metaPath) else {
            throw ValidationError("no store at \(data)")
        }
        let lines = try QuarantineStore(directory: directory, readOnly: true).newest(limit)
        switch format {
        case .ndjson, .json:
            for line in lines {
                var object: [String: Any] = [
                    "received_at": Timestamp.format(line.receivedAt), "peer_uid": line.peerUID,
                    "peer_pid": line.peerPID, "line": line.line, "code": line.code.rawValue,
                    "message": line.message, "excerpt": line.excerpt,
                ]
                object["producer"] = line.producer
                object["field"] = line.field
                let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            }
        case .table:
            let rows = lines.map {
                [
                    Timestamp.format($0.receivedAt), String($0.peerUID), TableCell.clean($0.producer ?? "-"),
                    String($0.line), $0.code.rawValue, $0.field ?? "-", TableCell.clean($0.excerpt),
                ]
            }
            print(renderTable(header: ["RECEIVED", "UID", "PRODUCER", "LINE", "CODE", "FIELD", "EXCERPT"], rows: rows))
        }
    }
}
