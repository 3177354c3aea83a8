import ArgumentParser
import Foundation
import JWTAuditModel
import JWTAuditStore

struct SearchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "search",
        abstract: "Find stored events (works while the daemon runs).",
        discussion: "Events come out in event-time order. NDJSON carries the wire fields plus received_at, "
            + "peer_uid, peer_gid, peer_pid, token_fp and producer; never a raw token.")

    @Option(help: "Data folder.")
    var data: String = "./jwtaudit-data"

    @OptionGroup var range: TimeRangeOptions

    @Option var service: String?
    @Option var sub: String?
    @Option var jti: String?
    @Option(name: .customLong("client-ip")) var clientIP: String?
    @Option(help: "accepted or rejected.") var outcome: String?
    @Option(help: "A rejection reason, e.g. expired, bad_signature.") var reason: String?

    @Option(help: "Most events to print; 0 for all.")
    var limit: Int = 1_000

    @Option(help: "ndjson or table.")
    var format: OutputFormat = .ndjson

    @Flag(help: "Add each event's reference DAY:BLOCK:INDEX (for `prove`; null while its block is unsealed).")
    var withRef = false

    func run() throws {
        var query = EventQuery()
        (query.from, query.to) = try range.resolve(now: currentMicros())
        query.service = service
        query.subject = sub
        query.tokenID = jti
        query.clientIP = clientIP
        if let outcome {
            guard let value = Outcome(name: outcome) else { throw ValidationError("--outcome must be accepted or rejected") }
            query.outcome = value
        }
        if let reason {
            guard let value = Reason(name: reason) else {
                throw ValidationError("--reason must be one of: \(Reason.allCases.map(\.name).joined(separator: ", "))")
            }
            query.reason = value
        }
        guard limit >= 0 else { throw ValidationError("--limit must be 0 or more") }
        query.limit = limit == 0 ? nil : limit

        let search = EventSearch(directory: DataDirectory(root: data))
        let pseudonymised = try PseudonymLookup(directory: search.directory).fieldNames
        if !pseudonymised.isEmpty {
            FileHandle.standardError.write(
                Data(
                    ("note: this store keeps \(pseudonymised.joined(separator: " and ")) as pseudonyms (ps:...); "
                        + "--sub and --client-ip take clear values or pseudonyms\n").utf8))
        }
        switch format {
        case .ndjson, .json:
            var buffer: [UInt8] = []
            try each(search, query) { event, location in
                EventJSON.append(event, to: &buffer)
                if withRef {
                    buffer.removeLast()  // the closing brace
                    buffer += Array(",\"ref\":\(location.map { "\"\($0)\"" } ?? "null")}".utf8)
                }
                buffer.append(0x0A)
                if buffer.count > 1 << 16 {
                    FileHandle.standardOutput.write(Data(buffer))
                    buffer.removeAll(keepingCapacity: true)
                }
            }
            FileHandle.standardOutput.write(Data(buffer))
        case .table:
            var rows: [[String]] = []
            try each(search, query) { event, location in
                let cells = [
                    Timestamp.format(event.timestamp), event.service, event.kind.name, event.outcome?.name ?? "-",
                    event.reason?.name ?? "-", event.subject ?? "-", event.clientIP ?? "-", event.tokenID ?? "-",
                ].map(TableCell.clean)
                rows.append(withRef ? cells + [location?.description ?? "-"] : cells)
            }
            let header = ["TS", "SERVICE", "KIND", "OUTCOME", "REASON", "SUB", "CLIENT_IP", "JTI"]
            print(renderTable(header: withRef ? header + ["REF"] : header, rows: rows))
        }
    }
}

extension SearchCommand {
    /// Every match with its reference when `--with-ref` asks for it (so a search without the flag
    /// reads no chain column); clear `--sub` and `--client-ip` values are looked up as pseudonyms.
    private func each(
        _ search: EventSearch, _ query: EventQuery, _ body: (AuditEvent, EventLocation?) throws -> Void
    ) throws {
        if withRef {
            try search.runTranslatedLocated(query, body)
        } else {
            try search.runTranslated(query) { try body($0, nil) }
        }
    }
}

/// Table cells show control characters escaped, so event data cannot move the terminal cursor.
enum TableCell {
    static func clean(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars.prefix(64) {
            if scalar.value < 0x20 || scalar.value == 0x7F || (0x80..<0xA0).contains(scalar.value) {
                out += "\\u{\(String(scalar.value, radix: 16))}"
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }
}
