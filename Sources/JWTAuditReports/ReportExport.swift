import Foundation
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore

/// A generated, signed report: its files and its signature. Made by ``generate(_:format:key:via:)``,
/// which also records the export in `meta.sqlite` (`report_exports`).
public struct ReportExport: Sendable {
    /// The report as computed.
    public var report: Report
    /// The format written.
    public var format: ReportFormat
    /// The files: `report.json` or `report.html`; for CSV, one file per table and `manifest.json`.
    public var files: [(name: String, bytes: [UInt8])]
    /// The signature embedded (in the manifest for CSV).
    public var signature: ReportSignature
    /// The export's row id in `report_exports`.
    public var exportID: Int64

    /// The single file of a JSON or HTML report.
    public var file: [UInt8] { files.count == 1 ? files[0].bytes : [] }

    /// Builds the report of `request`, renders it as `format`, signs it with `key` (the store's
    /// checkpoint signing key) and records the export as made by `request.generatedBy` via `via`
    /// (`cli` or `http`).
    public static func generate(
        _ request: ReportRequest, format: ReportFormat, key: Ed25519PrivateKey, via: String
    ) throws -> ReportExport {
        let report = try ReportBuilder(request).build()
        var files: [(name: String, bytes: [UInt8])]
        let signature: ReportSignature
        func sign(_ content: [UInt8], _ format: String) -> (file: [UInt8], signature: ReportSignature) {
            ReportSigner.sign(
                content, format: format, framework: report.framework.rawValue, period: report.period,
                chainHead: report.chainHead, time: report.generatedAt, key: key)
        }
        switch format {
        case .json:
            let signed = sign(ReportJSON.encode(report), "json")
            files = [("report.json", signed.file)]
            signature = signed.signature
        case .html:
            let signed = sign(ReportHTML.encode(report), "html")
            files = [("report.html", signed.file)]
            signature = signed.signature
        case .csv:
            files = ReportCSV.files(report)
            let signed = sign(ReportManifest.encode(kind: "csv", report: report, files: files), "csv")
            files.append((ReportManifest.fileName, signed.file))
            signature = signed.signature
        }
        let id = try ReportExportLedger(directory: request.directory).record(
            ReportExportRecord(
                exportedAt: request.now, who: request.generatedBy, via: via, framework: report.framework.rawValue,
                format: format.rawValue, periodFrom: report.period.from, periodTo: report.period.to,
                digest: signature.digest))
        return ReportExport(report: report, format: format, files: files, signature: signature, exportID: id)
    }
}

extension ReportExport {
    /// Writes the report: a JSON or HTML report as the file `path`, a CSV report as the folder `path`
    /// (created; it must not exist or be empty). Files are created with mode 0600 (they may hold
    /// subjects and addresses).
    public func write(to path: String) throws {
        let manager = FileManager.default
        if format != .csv {
            try Self.create(path, file)
            return
        }
        if manager.fileExists(atPath: path) {
            guard (try manager.contentsOfDirectory(atPath: path)).isEmpty else {
                throw ReportError("\(path) exists and is not empty: a CSV report is a folder of files")
            }
        } else {
            try manager.createDirectory(atPath: path, withIntermediateDirectories: true)
        }
        for file in files { try Self.create(path + "/" + file.name, file.bytes) }
    }

    static func create(_ path: String, _ bytes: [UInt8]) throws {
        let manager = FileManager.default
        if manager.fileExists(atPath: path) { try manager.removeItem(atPath: path) }
        guard manager.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw ReportError("cannot write \(path)")
        }
    }
}
