import JWTAuditCrypto
import JWTAuditModel

/// The signed list of the files of a multi-file report (CSV) or of a bundle: each file's name,
/// size and SHA-256. Signing it signs every file it lists; `verify-report` on the folder also
/// refuses files it does not list.
public enum ReportManifest {
    /// The manifest's file name inside the folder.
    public static let fileName = "manifest.json"

    /// The manifest object (unsigned) for `files` of a report in the folder of `kind` (`csv` or `bundle`).
    static func encode(kind: String, report: Report, files: [(name: String, bytes: [UInt8])]) -> [UInt8] {
        var out: [UInt8] = []
        ReportJSON.raw(#"{"jwtaudit_manifest":1,"kind":"#, &out)
        ReportJSON.string(kind, &out)
        ReportJSON.raw(#","framework":"#, &out)
        ReportJSON.string(report.framework.rawValue, &out)
        ReportJSON.raw(#","period":{"from":"#, &out)
        ReportJSON.string(Timestamp.format(report.period.from), &out)
        ReportJSON.raw(#","to":"#, &out)
        ReportJSON.string(Timestamp.format(report.period.to), &out)
        ReportJSON.raw(#"},"generated_at":"#, &out)
        ReportJSON.string(Timestamp.format(report.generatedAt), &out)
        ReportJSON.raw(#","store":{"chain_head":{"seq":\#(report.chainHead.sequence),"hash":"#, &out)
        ReportJSON.string(report.chainHead.hash, &out)
        ReportJSON.raw(#"}},"files":["#, &out)
        for (index, file) in files.enumerated() {
            ReportJSON.raw(index > 0 ? #",{"name":"# : #"{"name":"#, &out)
            ReportJSON.string(file.name, &out)
            ReportJSON.raw(#","bytes":\#(file.bytes.count),"sha256":"#, &out)
            ReportJSON.string(Hex.encode(SHA256.hash(file.bytes)), &out)
            ReportJSON.raw("}", &out)
        }
        ReportJSON.raw("]}", &out)
        return out
    }
}
