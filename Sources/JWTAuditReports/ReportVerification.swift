/// What `verify-report` found.
public struct ReportVerification: Sendable {
    /// The signature found (even when something else fails), if one could be read.
    public var signature: ReportSignature?
    /// Files checked against a manifest (0 for a single-file report).
    public var filesChecked = 0
    /// The first problem found; nil when the report is intact.
    public var problem: String?

    /// Whether nothing was found changed.
    public var isIntact: Bool { problem == nil }
}
