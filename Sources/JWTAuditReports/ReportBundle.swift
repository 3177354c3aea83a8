import Foundation
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore

/// An auditor's bundle: the report, every event of the period (NDJSON, with references for
/// `jwtaudit prove`), the checkpoints, the public keys, and a signed `manifest.json` over all of
/// them, so that everything can be checked offline (docs/reports.md, "Bundle").
public enum ReportBundle {
    /// Writes the bundle of `export` into `folder` (created; it must not exist or be empty).
    /// `checkpointFile` is the external checkpoint file, copied when given. Returns the files written.
    @discardableResult
    public static func write(
        _ export: ReportExport, request: ReportRequest, key: Ed25519PrivateKey, to folder: String
    ) throws -> [String] {
        let manager = FileManager.default
        if manager.fileExists(atPath: folder) {
            guard (try manager.contentsOfDirectory(atPath: folder)).isEmpty else {
                throw ReportError("\(folder) exists and is not empty")
            }
        } else {
            try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
        }
        var files: [(name: String, bytes: [UInt8])] = []
        let prefix = export.format == .csv ? "report/" : ""
        for file in export.files { files.append((prefix + file.name, file.bytes)) }

        var events: [UInt8] = []
        var query = EventQuery()
        query.from = export.report.period.from
        query.to = export.report.period.to
        try EventSearch(directory: request.directory).runLocated(query) { event, location in
            EventJSON.append(event, to: &events)
            events.removeLast()
            events += Array(",\"ref\":\(location.map { "\"\($0)\"" } ?? "null")}\n".utf8)
        }
        files.append(("events.ndjson", events))

        let checkpoints = try CheckpointStore(directory: request.directory, readOnly: true).all()
        files.append(("checkpoints.ndjson", Array(checkpoints.map { $0.jsonLine + "\n" }.joined().utf8)))
        if let external = request.checkpointFile, let data = manager.contents(atPath: external) {
            files.append(("checkpoints-external.ndjson", Array(data)))
        }
        var keys = ""
        var records = try CheckpointStore(directory: request.directory, readOnly: true).keys().map(\.key)
        if !records.contains(key.publicKey) { records.append(key.publicKey) }
        for publicKey in records { keys += "# key id \(publicKey.keyID)\n" + publicKey.pem }
        files.append(("public-keys.pem", Array(keys.utf8)))

        let signed = ReportSigner.sign(
            ReportManifest.encode(kind: "bundle", report: export.report, files: files), format: "bundle",
            framework: export.report.framework.rawValue, period: export.report.period,
            chainHead: export.report.chainHead, time: export.report.generatedAt, key: key)
        files.append((ReportManifest.fileName, signed.file))
        for file in files {
            let path = folder + "/" + file.name
            let parent = (path as NSString).deletingLastPathComponent
            try manager.createDirectory(atPath: parent, withIntermediateDirectories: true)
            try ReportExport.create(path, file.bytes)
        }
        return files.map(\.name)
    }
}

/// A report that cannot be made or written; the message never holds event data or key material.
public struct ReportError: Error, CustomStringConvertible {
    /// What went wrong.
    public var description: String

    /// An error saying `description`.
    public init(_ description: String) {
        self.description = description
    }
}
