/// A compliance report: a framework, a period, the store it was computed from, and its sections.
/// Rendered by ``ReportJSON``, ``ReportCSV`` and ``ReportHTML``; signed by ``ReportSigner``.
public struct Report: Sendable, Hashable {
    /// The framework answered.
    public var framework: ReportFramework
    /// The period covered (event time).
    public var period: ReportPeriod
    /// When it was generated (µs).
    public var generatedAt: Int64
    /// Who generated it (the API token's name or the user named on the command line).
    public var generatedBy: String
    /// The store's chain head when it was generated.
    public var chainHead: ReportChainHead
    /// The retention policy file judged against, and the SHA-256 of its bytes (hex), if any.
    public var policy: (file: String, sha256: String)?
    /// The sections, in the framework's order.
    public var sections: [ReportSection]

    /// A report from its parts.
    public init(
        framework: ReportFramework, period: ReportPeriod, generatedAt: Int64, generatedBy: String,
        chainHead: ReportChainHead, policy: (file: String, sha256: String)?, sections: [ReportSection]
    ) {
        self.framework = framework
        self.period = period
        self.generatedAt = generatedAt
        self.generatedBy = generatedBy
        self.chainHead = chainHead
        self.policy = policy
        self.sections = sections
    }

    /// Every table of every section, in order.
    public var tables: [ReportTable] { sections.flatMap(\.tables) }

    public static func == (lhs: Report, rhs: Report) -> Bool {
        lhs.framework == rhs.framework && lhs.period == rhs.period && lhs.generatedAt == rhs.generatedAt
            && lhs.generatedBy == rhs.generatedBy && lhs.chainHead == rhs.chainHead
            && lhs.policy?.file == rhs.policy?.file && lhs.policy?.sha256 == rhs.policy?.sha256
            && lhs.sections == rhs.sections
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(framework)
        hasher.combine(period)
        hasher.combine(generatedAt)
        hasher.combine(sections)
    }
}

/// The chain head a report was computed at: the newest chained block's sequence number and hash.
public struct ReportChainHead: Sendable, Hashable {
    /// Sequence number (0 for an empty store).
    public var sequence: Int64
    /// The block hash, hex.
    public var hash: String

    /// A head from its fields.
    public init(sequence: Int64, hash: String) {
        self.sequence = sequence
        self.hash = hash
    }
}
