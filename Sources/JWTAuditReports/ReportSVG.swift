/// Inline SVG charts for the HTML report: drawn from a table's first two columns, labels escaped.
enum ReportSVG {
    /// A bar chart of the table's second column (integers) labelled by its first.
    static func bars(_ table: ReportTable) -> String {
        let points = table.rows.compactMap { row -> (String, Int64)? in
            guard row.count >= 2, case .integer(let value) = row[1] else { return nil }
            switch row[0] {
            case .text(let label): return (label, value)
            case .integer(let number): return ("\(number)", value)
            default: return ("—", value)
            }
        }
        guard !points.isEmpty else { return "" }
        let maximum = max(1, points.map(\.1).max() ?? 1)
        let width = 960
        let height = 220
        let left = 60
        let bottom = 60
        let plotHeight = height - bottom - 10
        let slot = Double(width - left - 10) / Double(points.count)
        let barWidth = max(1.0, slot * 0.75)
        var svg = "<svg role=\"img\" viewBox=\"0 0 \(width) \(height)\" width=\"\(width)\" height=\"\(height)\">"
        svg += "<title>\(ReportHTML.escape(table.title))</title>"
        svg += "<line x1=\"\(left)\" y1=\"\(10 + plotHeight)\" x2=\"\(width - 10)\" y2=\"\(10 + plotHeight)\" stroke=\"#8c959f\"/>"
        svg += "<text x=\"\(left - 6)\" y=\"14\" text-anchor=\"end\">\(maximum)</text>"
        svg += "<text x=\"\(left - 6)\" y=\"\(10 + plotHeight)\" text-anchor=\"end\">0</text>"
        let labelEvery = max(1, Int((Double(points.count) / 31).rounded(.up)))
        for (index, point) in points.enumerated() {
            let barHeight = Double(plotHeight) * Double(point.1) / Double(maximum)
            let x = Double(left) + Double(index) * slot + (slot - barWidth) / 2
            let y = 10 + Double(plotHeight) - barHeight
            svg += "<rect class=\"bar\" x=\"\(format(x))\" y=\"\(format(y))\" width=\"\(format(barWidth))\" "
                + "height=\"\(format(barHeight))\"><title>\(ReportHTML.escape(point.0)): \(point.1)</title></rect>"
            if index % labelEvery == 0 {
                let labelX = x + barWidth / 2
                let labelY = 10 + plotHeight + 8
                svg += "<text x=\"\(format(labelX))\" y=\"\(labelY)\" text-anchor=\"end\" "
                    + "transform=\"rotate(-45 \(format(labelX)) \(labelY))\">\(ReportHTML.escape(point.0))</text>"
            }
        }
        return svg + "</svg>\n"
    }

    private static func format(_ value: Double) -> String {
        let rounded = (value * 10).rounded() / 10
        return rounded == rounded.rounded() ? "\(Int(rounded))" : "\(rounded)"
    }
}
