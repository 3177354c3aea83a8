/// A compliance framework a policy file can name; each sets minimums that ``RetentionPolicy/check()`` enforces.
///
/// The minimums and the requirements they come from are documented in `docs/retention.md`.
public enum RetentionFramework: String, Sendable, Hashable, CaseIterable {
    /// PCI DSS 4.0.1, requirement 10.5.1: audit log history kept at least 12 months, the latest 3 months
    /// immediately available for analysis.
    case pciDSS = "pci-dss"
    /// HIPAA Security Rule, 45 CFR 164.316(b)(2)(i): documentation kept 6 years.
    case hipaa
    /// Sarbanes-Oxley section 802 practice (17 CFR 210.2-06): audit records kept 7 years.
    case sox
    /// SOC 2 (AICPA Trust Services Criteria): no fixed period; 12 months covers a Type II observation window.
    case soc2
    /// GDPR Article 5(1)(e), storage limitation: no minimum, a nudge against long clear-text storage.
    case gdpr

    /// The name shown in messages.
    public var displayName: String {
        switch self {
        case .pciDSS: "PCI DSS 4.0.1"
        case .hipaa: "HIPAA"
        case .sox: "SOX"
        case .soc2: "SOC 2"
        case .gdpr: "GDPR"
        }
    }
}

/// What a framework minimum applies to.
enum RetentionSubject: Sendable, Hashable {
    /// `keep_days` of every event policy and of `default`.
    case eventKeep
    /// `online_days` of every event policy and of `default`.
    case eventOnline
    /// `alerts.keep_days`.
    case alertKeep
    /// `report_exports.keep_days`.
    case reportExportKeep
}

/// One minimum set by a framework.
struct RetentionMinimum: Sendable {
    var framework: RetentionFramework
    var subject: RetentionSubject
    var days: Int
    var severity: RetentionProblem.Severity
    /// The requirement, quoted in the message.
    var source: String

    /// Every minimum, in the order they are reported.
    static let all: [RetentionMinimum] = [
        .init(framework: .pciDSS, subject: .eventKeep, days: 365, severity: .error,
              source: "requirement 10.5.1: audit log history is retained for at least 12 months"),
        .init(framework: .pciDSS, subject: .eventOnline, days: 90, severity: .error,
              source: "requirement 10.5.1: the most recent three months are immediately available for analysis"),
        .init(framework: .pciDSS, subject: .alertKeep, days: 365, severity: .error,
              source: "requirement 10.5.1: alerts are part of the audit log history"),
        .init(framework: .pciDSS, subject: .reportExportKeep, days: 365, severity: .error,
              source: "requirements 10.2.1.3 and 10.5.1: exports are access to audit logs, itself audit log history"),
        .init(framework: .hipaa, subject: .reportExportKeep, days: 2190, severity: .error,
              source: "45 CFR 164.316(b)(2)(i): documentation is retained for 6 years"),
        .init(framework: .hipaa, subject: .eventKeep, days: 2190, severity: .warning,
              source: "recommended: 45 CFR 164.312(b) sets no period for audit logs, but 164.316(b)(2) keeps the "
                + "documentation they support for 6 years"),
        .init(framework: .hipaa, subject: .alertKeep, days: 2190, severity: .warning,
              source: "recommended: alerts document security incidents, 45 CFR 164.308(a)(6) and 164.316(b)(2)"),
        .init(framework: .sox, subject: .eventKeep, days: 2555, severity: .error,
              source: "SOX section 802 practice (17 CFR 210.2-06): audit records are retained for 7 years"),
        .init(framework: .sox, subject: .reportExportKeep, days: 2555, severity: .error,
              source: "SOX section 802 practice (17 CFR 210.2-06): audit records are retained for 7 years"),
        .init(framework: .soc2, subject: .eventKeep, days: 365, severity: .warning,
              source: "common practice: a SOC 2 Type II observation period is up to 12 months"),
        .init(framework: .soc2, subject: .alertKeep, days: 365, severity: .warning,
              source: "common practice: a SOC 2 Type II observation period is up to 12 months"),
        .init(framework: .soc2, subject: .reportExportKeep, days: 365, severity: .warning,
              source: "common practice: a SOC 2 Type II observation period is up to 12 months"),
    ]

    /// With `gdpr` named, keeping personal data longer than this many days without pseudonymisation is warned about.
    static let gdprLongKeepDays = 730
}
