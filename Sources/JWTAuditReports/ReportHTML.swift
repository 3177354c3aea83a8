import JWTAuditModel

/// The HTML form of a report: one self-contained page (inline style and SVG charts; no script, no
/// external reference), readable on screen and printable. Every text is escaped, whatever its
/// source. The signature is appended after `</html>` in a comment by ``ReportSigner``.
public enum ReportHTML {
    /// The page, ending with `</html>` and a newline.
    public static func encode(_ report: Report) -> [UInt8] {
        var html = ""
        html.reserveCapacity(256 * 1024)
        let title = "\(report.framework.displayName) evidence report, \(report.period.description)"
        let meta =
            "framework=\(report.framework.rawValue);from=\(Timestamp.format(report.period.from));"
            + "to=\(Timestamp.format(report.period.to));chain_head=\(report.chainHead.sequence):\(report.chainHead.hash)"
        html += """
            <!DOCTYPE html>
            <html lang="en">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <meta name="jwtaudit-report" content="\(escape(meta))">
            <title>\(escape(title))</title>
            <style>\(style)</style>
            </head>
            <body>
            <header>
            <h1>\(escape(report.framework.displayName)) evidence report</h1>
            <dl class="facts">
            <dt>Period (event time)</dt><dd>\(escape(report.period.description))</dd>
            <dt>Generated</dt><dd>\(escape(Timestamp.format(report.generatedAt))) by \(escape(report.generatedBy))</dd>
            <dt>Chain head</dt><dd>block \(report.chainHead.sequence), <code>\(escape(report.chainHead.hash))</code></dd>

            """
        if let policy = report.policy {
            html += "<dt>Retention policy</dt><dd>\(escape(policy.file)), SHA-256 <code>\(escape(policy.sha256))</code></dd>\n"
        }
        html += """
            </dl>
            <p class="note">This file is signed: its Ed25519 signature is in a comment at the end of its source. Check \
            it with <code>jwtaudit verify-report FILE --key KEY</code> (docs/reports.md); any changed byte fails.</p>
            </header>
            <nav><h2>Sections</h2><ol>

            """
        for section in report.sections {
            let ids = section.requirements.map(\.id).joined(separator: ", ")
            html += "<li><a href=\"#\(escape(section.id))\">\(escape(ids)): \(escape(section.title))</a>"
            html += " <span class=\"status \(escape(section.status.rawValue))\">\(statusText(section.status))</span></li>\n"
        }
        html += "</ol></nav>\n"
        for section in report.sections { append(section, to: &html) }
        html += "</body>\n</html>\n"
        return Array(html.utf8)
    }

    private static func statusText(_ status: ReportSection.Status) -> String {
        switch status {
        case .evidence: "evidence"
        case .noEvidence: "no evidence"
        case .unavailable: "not available"
        }
    }

    private static func append(_ section: ReportSection, to html: inout String) {
        html += "<section id=\"\(escape(section.id))\">\n<h2>\(escape(section.title))</h2>\n<ul class=\"requirements\">\n"
        for requirement in section.requirements {
            html += "<li><strong>\(escape(requirement.id))</strong> \(escape(requirement.text))</li>\n"
        }
        html += "</ul>\n"
        for sentence in section.summary { html += "<p>\(escape(sentence))</p>\n" }
        for table in section.tables { append(table, to: &html) }
        html += "</section>\n"
    }

    private static func append(_ table: ReportTable, to html: inout String) {
        html += "<h3 id=\"\(escape(table.id))\">\(escape(table.title))</h3>\n"
        if table.chart == .bars, !table.rows.isEmpty { html += ReportSVG.bars(table) }
        guard !table.rows.isEmpty else {
            html += "<p class=\"empty\">No rows.</p>\n"
            return
        }
        html += "<table>\n<thead><tr>"
        for column in table.columns {
            html += "<th\(column.type == .integer ? " class=\"n\"" : "")>\(escape(column.name))</th>"
        }
        html += "</tr></thead>\n<tbody>\n"
        for row in table.rows {
            html += "<tr>"
            for value in row {
                switch value {
                case .text(let text): html += "<td>\(escape(text))</td>"
                case .integer(let number): html += "<td class=\"n\">\(number)</td>"
                case .time(let micros): html += "<td>\(escape(Timestamp.format(micros)))</td>"
                case .null: html += "<td class=\"null\">—</td>"
                }
            }
            html += "</tr>\n"
        }
        html += "</tbody>\n</table>\n"
    }

    /// `text` with `& < > " '` as character references: safe in element content and quoted attributes.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if scalar.value < 0x20 && scalar != "\n" && scalar != "\t" {
                    out += "&#xFFFD;"
                } else {
                    out.unicodeScalars.append(scalar)
                }
            }
        }
        return out
    }

    static let style = """
        body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1b1f24;margin:2em auto;\
        max-width:1100px;padding:0 1em}h1{font-size:1.6em;margin-bottom:.3em}h2{border-bottom:2px solid #d0d7de;\
        padding-bottom:.2em;margin-top:2em}h3{font-size:1.05em;margin:1.4em 0 .4em}code{font-family:ui-monospace,\
        Menlo,Consolas,monospace;font-size:.9em;word-break:break-all}.facts{display:grid;\
        grid-template-columns:max-content 1fr;gap:.2em 1em}.facts dt{font-weight:600}.facts dd{margin:0}\
        .note{color:#57606a}.requirements{padding-left:1.2em;color:#24292f}table{border-collapse:collapse;\
        width:100%;margin:.4em 0 1em;font-size:.92em}th,td{border:1px solid #d0d7de;padding:.25em .5em;\
        text-align:left;vertical-align:top;overflow-wrap:anywhere}th{background:#f6f8fa}td.n,th.n{text-align:right;\
        font-variant-numeric:tabular-nums}td.null{color:#8c959f}.status{font-size:.85em;padding:0 .4em;\
        border-radius:.6em;background:#ddf4ff}.status.no_evidence{background:#fff8c5}.status.unavailable{\
        background:#ffebe9}.empty{color:#57606a;font-style:italic}svg{display:block;max-width:100%;height:auto}\
        svg text{font:11px system-ui,sans-serif;fill:#1b1f24}svg .bar{fill:#0969da}@media print{body{margin:0;\
        max-width:none;font-size:10pt}nav{display:none}section{break-before:page}h2,h3{break-after:avoid}\
        tr{break-inside:avoid}thead{display:table-header-group}svg .bar{fill:#333}}
        """
}
