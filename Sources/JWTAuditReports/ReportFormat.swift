/// The file format of a report.
public enum ReportFormat: String, Sendable, Hashable, CaseIterable {
    /// One JSON object, the signature as its last member.
    case json
    /// A folder: one CSV file per table and a signed `manifest.json`.
    case csv
    /// One self-contained HTML page, the signature in a comment after `</html>`.
    case html
}
