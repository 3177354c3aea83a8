import Foundation
import JWTAuditModel
import JWTAuditStore

extension ReportBuilder {
    /// Which fields the retention policy pseudonymises.
    func pseudonymisation() -> ReportSection {
        guard let policy = request.policy else {
            return ReportSection(
                id: ReportEvidenceKind.pseudonymisation.rawValue, title: "Pseudonymisation", requirements: [],
                status: .unavailable,
                summary: [
                    "No retention policy was given (--policy): its pseudonymisation object says which fields are "
                        + "stored as pseudonyms, so the state cannot be shown."
                ],
                tables: [])
        }
        let rows = ["sub", "client_ip"].map { field -> [ReportValue] in
            [.text(field), .text(policy.pseudonymisation.covers(field) ? "yes" : "no")]
        }
        let covered = ["sub", "client_ip"].filter { policy.pseudonymisation.covers($0) }
        return ReportSection(
            id: ReportEvidenceKind.pseudonymisation.rawValue, title: "Pseudonymisation", requirements: [],
            status: .evidence,
            summary: [
                covered.isEmpty
                    ? "The policy \(policy.file) stores no field as a pseudonym: sub and client_ip are kept in clear."
                    : "The policy \(policy.file) stores \(covered.joined(separator: " and ")) as keyed-HMAC pseudonyms.",
                "Raw tokens are never stored (token_fp is an HMAC under a per-store key).",
            ],
            tables: [
                ReportTable(
                    id: "pseudonymisation", title: "Fields stored as pseudonyms (retention policy)",
                    columns: [ReportColumn("field", .text), ReportColumn("pseudonymised", .text)], rows: rows)
            ])
    }

    /// `forget` requests of the period from `meta.sqlite` table `forget_requests`, when it exists.
    func forgetRequests() throws -> ReportSection {
        let id = ReportEvidenceKind.forgetRequests.rawValue
        let title = "Erasure (forget) requests"
        guard let requests = try readForgetRequests() else {
            return ReportSection(
                id: id, title: title, requirements: [], status: .noEvidence,
                summary: [
                    "No forget request is recorded: this store has no forget_requests table (no request was ever made, "
                        + "or this version cannot record them)."
                ],
                tables: [])
        }
        let affected = requests.reduce(0) { $0 + $1.eventsAffected }
        let rows = requests.map { request -> [ReportValue] in
            [
                .integer(request.id), .time(request.requestedAt), .text(request.field), .text(request.requestedBy),
                .integer(request.eventsAffected),
            ]
        }
        return ReportSection(
            id: id, title: title, requirements: [], status: requests.isEmpty ? .noEvidence : .evidence,
            summary: [
                requests.isEmpty
                    ? "No forget request was recorded in the period."
                    : "\(Self.plural(requests.count, "forget request")) in the period, affecting \(affected) stored "
                        + "events; the clear values are not recorded.",
            ],
            tables: [
                ReportTable(
                    id: "forget_requests", title: "Forget requests in the period",
                    columns: [
                        ReportColumn("id", .integer), ReportColumn("requested_at", .time), ReportColumn("field", .text),
                        ReportColumn("requested_by", .text), ReportColumn("events_affected", .integer),
                    ],
                    rows: rows)
            ])
    }

    /// One row of `forget_requests`.
    struct ForgetRequest {
        var id: Int64
        var requestedAt: Int64
        var field: String
        var requestedBy: String
        var eventsAffected: Int64
    }

    /// The period's forget requests, or nil when the table does not exist.
    func readForgetRequests() throws -> [ForgetRequest]? {
        guard FileManager.default.fileExists(atPath: request.directory.metaPath) else { return nil }
        let connection = try SQLiteConnection(path: request.directory.metaPath, readOnly: true)
        guard try connection.scalarInt("SELECT count(*) FROM sqlite_master WHERE name = 'forget_requests'") == 1
        else { return nil }
        // requested_at is in milliseconds (the forget command's contract).
        let statement = try connection.prepare(
            """
            SELECT id, requested_at, field, requested_by, events_affected FROM forget_requests
            WHERE requested_at >= ? AND requested_at < ? ORDER BY requested_at, id
            """)
        statement.bind(1, request.period.from / 1_000)
        statement.bind(2, request.period.to / 1_000)
        var requests: [ForgetRequest] = []
        while try statement.step() {
            requests.append(
                ForgetRequest(
                    id: statement.int64(0), requestedAt: statement.int64(1) * 1_000, field: statement.text(2) ?? "",
                    requestedBy: statement.text(3) ?? "", eventsAffected: statement.int64(4)))
        }
        return requests
    }

    /// Report exports recorded from the start of the period until now.
    func exports() throws -> ReportSection {
        let exports = try ReportExportLedger(directory: request.directory, readOnly: true)
            .exports(from: request.period.from)
        let rows = exports.map { export -> [ReportValue] in
            [
                .time(export.exportedAt), .text(export.who), .text(export.via), .text(export.framework),
                .text(export.format), .time(export.periodFrom), .time(export.periodTo), .text(export.digest),
            ]
        }
        return ReportSection(
            id: ReportEvidenceKind.exports.rawValue, title: "Earlier report exports", requirements: [],
            status: exports.isEmpty ? .noEvidence : .evidence,
            summary: [
                exports.isEmpty
                    ? "No report was exported since the start of the period."
                    : "\(Self.plural(exports.count, "report")) exported since the start of the period, by "
                        + Set(exports.map(\.who)).sorted().joined(separator: ", ") + ".",
                "This report's own export is recorded when it is written, and appears in later reports.",
            ],
            tables: [
                ReportTable(
                    id: "report_exports", title: "Report exports since the start of the period",
                    columns: [
                        ReportColumn("exported_at", .time), ReportColumn("who", .text), ReportColumn("via", .text),
                        ReportColumn("framework", .text), ReportColumn("format", .text), ReportColumn("period_from", .time),
                        ReportColumn("period_to", .time), ReportColumn("digest", .text),
                    ],
                    rows: rows)
            ])
    }
}
