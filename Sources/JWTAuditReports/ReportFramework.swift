/// A compliance framework a report answers, and which evidence answers which of its requirements
/// (docs/reports.md lists the mapping).
public enum ReportFramework: String, Sendable, Hashable, CaseIterable {
    /// PCI DSS 4.0.1, requirement 10.
    case pciDSS = "pci-dss"
    /// HIPAA Security Rule, 45 CFR 164.312(b) and 164.316(b)(2).
    case hipaa
    /// Sarbanes-Oxley section 802.
    case sox
    /// SOC 2 Trust Services Criteria CC7.2 and CC7.3.
    case soc2
    /// GDPR articles 5, 17, 25 and 32.
    case gdpr

    /// The name shown in reports.
    public var displayName: String {
        switch self {
        case .pciDSS: "PCI DSS 4.0.1"
        case .hipaa: "HIPAA Security Rule"
        case .sox: "SOX"
        case .soc2: "SOC 2"
        case .gdpr: "GDPR"
        }
    }

    /// The kinds of evidence a report of this framework holds, in order, each with the requirements
    /// it answers.
    var sections: [(evidence: ReportEvidenceKind, requirements: [ReportRequirement])] {
        switch self {
        case .pciDSS:
            [
                (
                    .coverage,
                    [
                        .init(
                            "10.7.2",
                            "Failures of critical security control systems, including audit logging, are detected, "
                                + "alerted and addressed promptly")
                    ]
                ),
                (.invalidAccess, [.init("10.2.1.4", "Audit logs capture all invalid logical access attempts")]),
                (
                    .recordedFields,
                    [
                        .init(
                            "10.2.2",
                            "Audit logs record, for each auditable event: user identification, type of event, date and "
                                + "time, success or failure indication, origination of event, identity or name of affected "
                                + "data, system component, resource or service")
                    ]
                ),
                (.integrity, [
                    .init("10.3.2", "Audit log files are protected to prevent modifications by individuals"),
                    .init(
                        "10.3.3",
                        "Audit log files are promptly backed up to a secure, central, internal log server or other "
                            + "media that is difficult to modify"),
                    .init("10.3.4", "File integrity monitoring or change-detection mechanisms are used on audit logs"),
                ]),
                (.review, [
                    .init(
                        "10.4.1",
                        "Security events and the logs of critical system components are reviewed at least once "
                            + "daily"),
                    .init("10.4.1.1", "Automated mechanisms are used to perform audit log reviews"),
                ]),
                (
                    .retention,
                    [
                        .init(
                            "10.5.1",
                            "Audit log history is retained for at least 12 months, with at least the most recent three "
                                + "months immediately available for analysis")
                    ]
                ),
                (.exports, [.init("10.2.1.3", "Audit logs capture all access to audit logs")]),
            ]
        case .hipaa:
            [
                (
                    .coverage,
                    [
                        .init(
                            "164.312(b)",
                            "Audit controls: mechanisms that record and examine activity in systems that contain or use "
                                + "ePHI")
                    ]
                ),
                (
                    .invalidAccess,
                    [
                        .init("164.312(b)", "Audit controls: record and examine access activity, including failed attempts")
                    ]
                ),
                (.review, [.init("164.312(b)", "Audit controls: examine recorded activity")]),
                (.integrity, [.init("164.312(b)", "Audit controls: the records examined are complete and unaltered")]),
                (
                    .retention,
                    [
                        .init(
                            "164.316(b)(2)",
                            "Documentation is retained for 6 years from its creation or last effective date")
                    ]
                ),
                (
                    .exports,
                    [
                        .init(
                            "164.316(b)(2)",
                            "Documentation (these reports) is retained and available to those responsible")
                    ]
                ),
            ]
        case .sox:
            [
                (
                    .integrity,
                    [
                        .init("Section 802", "Records relevant to an audit are not altered, destroyed or concealed")
                    ]
                ),
                (.retention, [.init("Section 802 / 17 CFR 210.2-06", "Audit records are retained for seven years")]),
                (.coverage, [.init("Section 802", "The record is complete: no service or day is missing")]),
                (.exports, [.init("Section 802", "Who obtained copies of the records, and which")]),
            ]
        case .soc2:
            [
                (
                    .coverage,
                    [
                        .init(
                            "CC7.2",
                            "System components are monitored for anomalies indicative of malicious acts, natural "
                                + "disasters and errors")
                    ]
                ),
                (.invalidAccess, [.init("CC7.2", "Anomalies such as invalid access attempts are identified")]),
                (
                    .review,
                    [
                        .init(
                            "CC7.3",
                            "Security events are evaluated to determine whether they could or did result in a failure "
                                + "to meet objectives")
                    ]
                ),
                (.integrity, [.init("CC7.2", "The monitoring record itself is protected and complete")]),
                (.exports, [.init("CC7.2", "Access to the monitoring record")]),
            ]
        case .gdpr:
            [
                (
                    .recordedFields,
                    [
                        .init(
                            "Art. 5(1)(c)",
                            "Data minimisation: personal data adequate, relevant and limited to what is necessary")
                    ]
                ),
                (
                    .retention,
                    [
                        .init("Art. 5(1)(e)", "Storage limitation: personal data kept no longer than necessary")
                    ]
                ),
                (.forgetRequests, [.init("Art. 17", "Right to erasure")]),
                (
                    .pseudonymisation,
                    [
                        .init("Art. 25", "Data protection by design and by default, such as pseudonymisation")
                    ]
                ),
                (.integrity, [.init("Art. 32", "Security of processing: integrity of the processing record")]),
                (
                    .invalidAccess,
                    [
                        .init("Art. 32", "Security of processing: attempts at unauthorised access are detected")
                    ]
                ),
                (.exports, [.init("Art. 5(2)", "Accountability: who exported the record")]),
            ]
        }
    }
}

/// The kinds of evidence a report can hold; each becomes one section.
enum ReportEvidenceKind: String, Sendable, CaseIterable {
    case coverage = "coverage"
    case invalidAccess = "invalid_access"
    case recordedFields = "recorded_fields"
    case integrity = "integrity"
    case review = "review"
    case retention = "retention"
    case pseudonymisation = "pseudonymisation"
    case forgetRequests = "forget_requests"
    case exports = "exports"
}
