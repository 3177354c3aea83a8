/// One compliance report export as recorded in `meta.sqlite` (`report_exports`).
public struct ReportExportRecord: Sendable, Hashable {
    /// Row id; assigned when recorded.
    public var id: Int64 = 0
    /// When the report was exported (µs, wall clock).
    public var exportedAt: Int64
    /// Who exported it: the API token's name, or the user named on the command line.
    public var who: String
    /// How: `cli` or `http`.
    public var via: String
    /// The framework (`pci-dss`, `hipaa`, `sox`, `soc2`, `gdpr`).
    public var framework: String
    /// The format (`json`, `csv`, `html`).
    public var format: String
    /// Start of the period (µs, inclusive).
    public var periodFrom: Int64
    /// End of the period (µs, exclusive).
    public var periodTo: Int64
    /// SHA-256 (hex) of the signed report content.
    public var digest: String

    /// A record from its fields.
    public init(
        exportedAt: Int64, who: String, via: String, framework: String, format: String, periodFrom: Int64,
        periodTo: Int64, digest: String
    ) {
        self.exportedAt = exportedAt
        self.who = who
        self.via = via
        self.framework = framework
        self.format = format
        self.periodFrom = periodFrom
        self.periodTo = periodTo
        self.digest = digest
    }
}
