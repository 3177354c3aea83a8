/// One table of evidence: the unit of the CSV format (one file per table, named by ``id``).
public struct ReportTable: Sendable, Hashable {
    /// How the HTML report draws a table as well, when it does.
    public enum Chart: String, Sendable, Hashable {
        /// Bars: the first column labels, the second column's integers give the heights.
        case bars
    }

    /// Unique within a report; the CSV file name without `.csv`.
    public var id: String
    /// A heading.
    public var title: String
    /// The columns, in order.
    public var columns: [ReportColumn]
    /// The rows; each has one value per column.
    public var rows: [[ReportValue]]
    /// A chart drawn from the table in HTML, if any.
    public var chart: Chart?

    /// A table with its rows.
    public init(id: String, title: String, columns: [ReportColumn], rows: [[ReportValue]], chart: Chart? = nil) {
        self.id = id
        self.title = title
        self.columns = columns
        self.rows = rows
        self.chart = chart
    }
}
