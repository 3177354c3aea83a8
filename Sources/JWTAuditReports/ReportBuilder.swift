import Foundation
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore

/// Computes a report from the store: rollups and summaries wherever they answer (block metadata for
/// integrity and retention), never the events themselves, except for partitions written before the
/// `rejection_sources` rollup existed.
public final class ReportBuilder {
    let request: ReportRequest
    private var rollupCache: DailyRollups?
    private var alertCache: AlertReadings??

    /// A builder for `request`.
    public init(_ request: ReportRequest) {
        self.request = request
    }

    /// Reads the store and builds every section of the framework.
    public func build() throws -> Report {
        let head = try ChainHead.read(request.directory)
        var sections: [ReportSection] = []
        for (kind, requirements) in request.framework.sections {
            var section: ReportSection
            switch kind {
            case .coverage: section = try coverage()
            case .invalidAccess: section = try invalidAccess()
            case .recordedFields: section = try recordedFields()
            case .integrity: section = try integrity()
            case .review: section = try review()
            case .retention: section = try retention()
            case .pseudonymisation: section = pseudonymisation()
            case .forgetRequests: section = try forgetRequests()
            case .exports: section = try exports()
            }
            section.requirements = requirements
            sections.append(section)
        }
        return Report(
            framework: request.framework, period: request.period, generatedAt: request.now,
            generatedBy: request.generatedBy, chainHead: ReportChainHead(sequence: head.sequence, hash: Hex.encode(head.hash)),
            policy: request.policy.map { ($0.file, request.policyDigest ?? "") }, sections: sections)
    }

    // MARK: Shared readings

    /// The period's rollups, read once.
    func rollups() throws -> DailyRollups {
        if let rollupCache { return rollupCache }
        let read = try DailyRollups.read(request.directory, from: request.period.from, to: request.period.to)
        rollupCache = read
        return read
    }

    /// Alerts of the period, open alerts and review actions; nil when the folder has no alert store.
    struct AlertReadings {
        var raised: [AlertStore.Triage]
        var open: [AlertStore.Triage]
        var actions: [AlertStore.ReviewAction]
    }

    func alertReadings() throws -> AlertReadings? {
        if let alertCache { return alertCache }
        var readings: AlertReadings?
        if FileManager.default.fileExists(atPath: request.directory.alertsPath) {
            let store = try AlertStore(directory: request.directory, readOnly: true)
            let period = request.period
            readings = AlertReadings(
                raised: try store.triage(from: period.from, to: period.to),
                open: try store.triage(from: 0, to: 0, openOnly: true),
                actions: try store.reviewActions(from: period.from, to: period.to))
        }
        alertCache = .some(readings)
        return readings
    }

    // MARK: Helpers for the sections

    static func dayName(_ day: Int64) -> String { PartitionDay(daysSinceEpoch: day).name }

    static func plural(_ count: Int64, _ one: String, _ many: String? = nil) -> String {
        "\(count) \(count == 1 ? one : (many ?? one + "s"))"
    }

    static func plural(_ count: Int, _ one: String, _ many: String? = nil) -> String {
        plural(Int64(count), one, many)
    }

    static func duration(_ micros: Int64) -> String {
        let seconds = micros / 1_000_000
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7_200 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return String(format: "%.1f h", Double(seconds) / 3_600) }
        return String(format: "%.1f days", Double(seconds) / 86_400)
    }

    static func keyValueTable(_ id: String, _ title: String, _ rows: [(String, String?)]) -> ReportTable {
        ReportTable(
            id: id, title: title, columns: [ReportColumn("item", .text), ReportColumn("value", .text)],
            rows: rows.map { [.text($0.0), $0.1.map(ReportValue.text) ?? .null] })
    }
}
