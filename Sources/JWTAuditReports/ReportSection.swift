/// A requirement of a framework that a section answers.
public struct ReportRequirement: Sendable, Hashable {
    /// The requirement's id in its framework (`10.2.1.4`, `164.312(b)`, `CC7.2`, `Art. 17`).
    public var id: String
    /// What it asks, in one line.
    public var text: String

    /// A requirement from its id and text.
    public init(_ id: String, _ text: String) {
        self.id = id
        self.text = text
    }
}

/// One section of a report: the requirements it answers, what the evidence shows in sentences, and
/// the evidence tables.
public struct ReportSection: Sendable, Hashable {
    /// Whether a section has evidence.
    public enum Status: String, Sendable, Hashable {
        /// The tables hold evidence for the period.
        case evidence
        /// The store holds nothing for this section in the period (said in the summary).
        case noEvidence = "no_evidence"
        /// The evidence's source is not built or not available (said in the summary).
        case unavailable
    }

    /// Stable id (`invalid_access`, `integrity`, …).
    public var id: String
    /// A heading.
    public var title: String
    /// The framework's requirements this section answers.
    public var requirements: [ReportRequirement]
    /// Whether there is evidence.
    public var status: Status
    /// What the evidence shows, one sentence each; problems found are stated here.
    public var summary: [String]
    /// The evidence.
    public var tables: [ReportTable]

    /// A section from its parts.
    public init(
        id: String, title: String, requirements: [ReportRequirement], status: Status, summary: [String],
        tables: [ReportTable]
    ) {
        self.id = id
        self.title = title
        self.requirements = requirements
        self.status = status
        self.summary = summary
        self.tables = tables
    }
}
