import Foundation
import JWTAuditCrypto
import JWTAuditModel

/// Checks a signed report offline: a JSON or HTML file, or a folder holding a signed
/// `manifest.json` (a CSV report or a bundle). Any changed, added or removed byte is a problem.
public enum ReportVerifier {
    /// Verifies the report at `path` with the trusted `keys`.
    public static func verify(path: String, keys: [Ed25519PublicKey]) -> ReportVerification {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else {
            return ReportVerification(problem: "\(path) does not exist")
        }
        if isDirectory.boolValue { return verifyFolder(path, keys: keys) }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            return ReportVerification(problem: "\(path) cannot be read")
        }
        return verifyFile(Array(bytes), keys: keys)
    }

    /// Verifies one signed file's bytes (a JSON report, an HTML report or a manifest).
    public static func verifyFile(_ file: [UInt8], keys: [Ed25519PublicKey]) -> ReportVerification {
        var result = ReportVerification()
        guard let (content, embedded, html) = ReportSigner.split(file) else {
            result.problem = "no jwtaudit signature found at the end of the file (changed, or not a signed report)"
            return result
        }
        guard let signature = ReportSignature.parse(embedded) else {
            result.problem = "the embedded signature is not a valid signature object"
            return result
        }
        result.signature = signature
        guard signature.json == embedded else {
            result.problem = "the embedded signature was changed (it is not in its canonical form)"
            return result
        }
        guard (signature.format == "html") == html else {
            result.problem = "the signature says format \(signature.format) but is embedded as in another format"
            return result
        }
        let digest = Hex.encode(SHA256.hash(content))
        guard digest == signature.digest else {
            result.problem = "the content was changed: its SHA-256 is \(digest), the signature covers \(signature.digest)"
            return result
        }
        guard let key = keys.first(where: { $0.keyID == signature.keyID }) else {
            result.problem = "signed by key \(signature.keyID), which is not among the given keys"
            return result
        }
        guard key.isValidSignature(signature.value, for: signature.message) else {
            result.problem = "the signature does not verify under key \(signature.keyID)"
            return result
        }
        if let mismatch = statedMismatch(content, html: html, signature) {
            result.problem = mismatch
        }
        return result
    }

    /// The report's own statement of framework, period and chain head must be what was signed.
    private static func statedMismatch(_ content: [UInt8], html: Bool, _ signature: ReportSignature) -> String? {
        let stated: (framework: String?, from: String?, to: String?, head: String?)
        if html {
            let text = String(decoding: content, as: UTF8.self)
            guard let start = text.range(of: "<meta name=\"jwtaudit-report\" content=\""),
                let end = text[start.upperBound...].firstIndex(of: "\"")
            else { return "the page does not state its framework, period and chain head" }
            var fields: [String: String] = [:]
            for pair in text[start.upperBound..<end].split(separator: ";") {
                let parts = pair.split(separator: "=", maxSplits: 1)
                if parts.count == 2 { fields[String(parts[0])] = String(parts[1]) }
            }
            stated = (fields["framework"], fields["from"], fields["to"], fields["chain_head"])
        } else {
            guard let object = (try? JSONSerialization.jsonObject(with: Data(content))) as? [String: Any] else {
                return "the signed content is not a JSON object"
            }
            let framework = object["framework"] as? String ?? (object["framework"] as? [String: Any])?["id"] as? String
            let period = object["period"] as? [String: Any]
            let head = (object["store"] as? [String: Any])?["chain_head"] as? [String: Any]
            stated = (
                framework, period?["from"] as? String, period?["to"] as? String,
                (head?["seq"] as? Int).map { "\($0):\(head?["hash"] as? String ?? "")" }
            )
        }
        let expected = (
            signature.framework, Timestamp.format(signature.from), Timestamp.format(signature.to),
            "\(signature.chainHead.sequence):\(signature.chainHead.hash)"
        )
        guard stated.framework == expected.0, stated.from == expected.1, stated.to == expected.2,
            stated.head == expected.3
        else { return "the report states another framework, period or chain head than its signature" }
        return nil
    }

    /// A folder: its signed manifest, then every file it lists, and no other file.
    private static func verifyFolder(_ path: String, keys: [Ed25519PublicKey]) -> ReportVerification {
        let manifestPath = path + "/" + ReportManifest.fileName
        guard let bytes = FileManager.default.contents(atPath: manifestPath) else {
            return ReportVerification(problem: "\(manifestPath) is missing: a report folder is verified by its manifest")
        }
        var result = verifyFile(Array(bytes), keys: keys)
        guard result.isIntact, let (content, _, _) = ReportSigner.split(Array(bytes)),
            let object = (try? JSONSerialization.jsonObject(with: Data(content))) as? [String: Any],
            let files = object["files"] as? [[String: Any]]
        else {
            if result.isIntact { result.problem = "the manifest lists no files" }
            return result
        }
        var listed: Set<String> = []
        for file in files {
            guard let name = file["name"] as? String, let digest = file["sha256"] as? String,
                !name.hasPrefix("/"), !name.split(separator: "/").contains("..")
            else {
                result.problem = "the manifest has an entry without a safe name and digest"
                return result
            }
            listed.insert(name)
            guard let data = FileManager.default.contents(atPath: path + "/" + name) else {
                result.problem = "\(name) is listed in the manifest but missing"
                return result
            }
            guard Hex.encode(SHA256.hash(Array(data))) == digest else {
                result.problem = "\(name) was changed (its SHA-256 is not the one signed in the manifest)"
                return result
            }
            result.filesChecked += 1
        }
        for name in regularFiles(under: path) where name != ReportManifest.fileName && !listed.contains(name) {
            result.problem = "\(name) is in the folder but not in the signed manifest"
            return result
        }
        // A bundle holds a signed report of its own: check it too.
        for name in ["report.json", "report.html"] where listed.contains(name) {
            let inner = verifyFile(Array(FileManager.default.contents(atPath: path + "/" + name) ?? Data()), keys: keys)
            if let problem = inner.problem { result.problem = "\(name): \(problem)" }
        }
        if listed.contains("report/" + ReportManifest.fileName) {
            let inner = verifyFolder(path + "/report", keys: keys)
            if let problem = inner.problem { result.problem = "report/: \(problem)" }
        }
        return result
    }

    /// Paths of regular files under `root`, relative to it.
    static func regularFiles(under root: String) -> [String] {
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        var names: [String] = []
        while let name = enumerator.nextObject() as? String {
            var isDirectory: ObjCBool = false
            if FileManager.default.fileExists(atPath: root + "/" + name, isDirectory: &isDirectory),
                !isDirectory.boolValue
            {
                names.append(name)
            }
        }
        return names.sorted()
    }
}
