import JWTAuditModel

/// The JSON form of a report (schema in docs/reports.md): one compact object, members in a fixed
/// order, strings escaped as ``EventJSON`` escapes them. The signature is appended by ``ReportSigner``
/// as the object's last member.
public enum ReportJSON {
    /// The report as one JSON object, without a signature and without a trailing newline.
    public static func encode(_ report: Report) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64 * 1024)
        raw(#"{"jwtaudit_report":1,"framework":{"id":"#, &out)
        string(report.framework.rawValue, &out)
        raw(#","name":"#, &out)
        string(report.framework.displayName, &out)
        raw(#"},"period":{"from":"#, &out)
        string(Timestamp.format(report.period.from), &out)
        raw(#","to":"#, &out)
        string(Timestamp.format(report.period.to), &out)
        raw(#"},"generated_at":"#, &out)
        string(Timestamp.format(report.generatedAt), &out)
        raw(#","generated_by":"#, &out)
        string(report.generatedBy, &out)
        raw(#","store":{"chain_head":{"seq":"#, &out)
        raw("\(report.chainHead.sequence)", &out)
        raw(#","hash":"#, &out)
        string(report.chainHead.hash, &out)
        raw(#"}},"policy":"#, &out)
        if let policy = report.policy {
            raw(#"{"file":"#, &out)
            string(policy.file, &out)
            raw(#","sha256":"#, &out)
            string(policy.sha256, &out)
            raw("}", &out)
        } else {
            raw("null", &out)
        }
        raw(#","sections":["#, &out)
        for (index, section) in report.sections.enumerated() {
            if index > 0 { raw(",", &out) }
            append(section, &out)
        }
        raw("]}", &out)
        return out
    }

    private static func append(_ section: ReportSection, _ out: inout [UInt8]) {
        raw(#"{"id":"#, &out)
        string(section.id, &out)
        raw(#","title":"#, &out)
        string(section.title, &out)
        raw(#","requirements":["#, &out)
        for (index, requirement) in section.requirements.enumerated() {
            raw(index > 0 ? #",{"id":"# : #"{"id":"#, &out)
            string(requirement.id, &out)
            raw(#","text":"#, &out)
            string(requirement.text, &out)
            raw("}", &out)
        }
        raw(#"],"status":"#, &out)
        string(section.status.rawValue, &out)
        raw(#","summary":["#, &out)
        for (index, sentence) in section.summary.enumerated() {
            if index > 0 { raw(",", &out) }
            string(sentence, &out)
        }
        raw(#"],"tables":["#, &out)
        for (index, table) in section.tables.enumerated() {
            if index > 0 { raw(",", &out) }
            append(table, &out)
        }
        raw("]}", &out)
    }

    private static func append(_ table: ReportTable, _ out: inout [UInt8]) {
        raw(#"{"id":"#, &out)
        string(table.id, &out)
        raw(#","title":"#, &out)
        string(table.title, &out)
        raw(#","columns":["#, &out)
        for (index, column) in table.columns.enumerated() {
            raw(index > 0 ? #",{"name":"# : #"{"name":"#, &out)
            string(column.name, &out)
            raw(#","type":"#, &out)
            string(column.type.rawValue, &out)
            raw("}", &out)
        }
        raw(#"],"rows":["#, &out)
        for (index, row) in table.rows.enumerated() {
            raw(index > 0 ? ",[" : "[", &out)
            for (position, value) in row.enumerated() {
                if position > 0 { raw(",", &out) }
                switch value {
                case .text(let text): string(text, &out)
                case .integer(let number): raw("\(number)", &out)
                case .time(let micros): string(Timestamp.format(micros), &out)
                case .null: raw("null", &out)
                }
            }
            raw("]", &out)
        }
        raw(#"],"chart":"#, &out)
        if let chart = table.chart { string(chart.rawValue, &out) } else { raw("null", &out) }
        raw("}", &out)
    }

    static func raw(_ text: String, _ out: inout [UInt8]) {
        out.append(contentsOf: text.utf8)
    }

    static func string(_ text: String, _ out: inout [UInt8]) {
        EventJSON.appendEscaped(text, to: &out)
    }
}
