import JWTAuditModel

/// The CSV form of a report: one file per table (`TABLE_ID.csv`), plus `report.csv` (what the report
/// is) and `sections.csv` (each section's requirements, status and summary). RFC 4180: a header
/// row, CRLF line ends, fields quoted when they hold a comma, quote or line break. A text value
/// starting with `=`, `+`, `-`, `@`, a tab or a carriage return gets a leading `'`, so spreadsheets
/// show it rather than evaluate it (attackers choose event values).
public enum ReportCSV {
    /// Every file of the report: name and bytes, in a fixed order.
    public static func files(_ report: Report) -> [(name: String, bytes: [UInt8])] {
        var files: [(name: String, bytes: [UInt8])] = []
        var meta: [[ReportValue]] = [
            [.text("framework"), .text(report.framework.rawValue)],
            [.text("framework_name"), .text(report.framework.displayName)],
            [.text("period_from"), .time(report.period.from)],
            [.text("period_to"), .time(report.period.to)],
            [.text("generated_at"), .time(report.generatedAt)],
            [.text("generated_by"), .text(report.generatedBy)],
            [.text("chain_head_seq"), .integer(report.chainHead.sequence)],
            [.text("chain_head_hash"), .text(report.chainHead.hash)],
        ]
        if let policy = report.policy {
            meta.append([.text("policy_file"), .text(policy.file)])
            meta.append([.text("policy_sha256"), .text(policy.sha256)])
        }
        files.append(("report.csv", encode(header: ["item", "value"], rows: meta)))
        let sections = report.sections.map { section -> [ReportValue] in
            [
                .text(section.id), .text(section.title),
                .text(section.requirements.map(\.id).joined(separator: "; ")), .text(section.status.rawValue),
                .text(section.summary.joined(separator: " ")),
                .text(section.tables.map { $0.id + ".csv" }.joined(separator: " ")),
            ]
        }
        files.append(
            ("sections.csv", encode(header: ["section", "title", "requirements", "status", "summary", "tables"], rows: sections)))
        for table in report.tables {
            files.append((table.id + ".csv", encode(header: table.columns.map(\.name), rows: table.rows)))
        }
        return files
    }

    /// One CSV file.
    static func encode(header: [String], rows: [[ReportValue]]) -> [UInt8] {
        var out: [UInt8] = []
        line(header.map { field($0) }, &out)
        for row in rows {
            line(
                row.map { value in
                    switch value {
                    case .text(let text): field(text)
                    case .integer(let number): "\(number)"
                    case .time(let micros): Timestamp.format(micros)
                    case .null: ""
                    }
                }, &out)
        }
        return out
    }

    private static func line(_ fields: [String], _ out: inout [UInt8]) {
        out.append(contentsOf: fields.joined(separator: ",").utf8)
        out.append(contentsOf: [13, 10])
    }

    /// A text field, defused and quoted as needed.
    public static func field(_ text: String) -> String {
        var text = text
        if let first = text.unicodeScalars.first, "=+-@\t\r".unicodeScalars.contains(first) { text = "'" + text }
        guard text.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else {
            return text
        }
        var quoted = "\""
        for scalar in text.unicodeScalars {
            if scalar == "\"" { quoted.unicodeScalars.append(scalar) }
            quoted.unicodeScalars.append(scalar)
        }
        return quoted + "\""
    }
}
