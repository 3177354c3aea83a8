import ArgumentParser
import Foundation
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditReports
import JWTAuditStore

/// `jwtaudit verify-report`: checks a report's signature offline (docs/reports.md).
struct VerifyReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-report",
        abstract: "Check a signed report (a file, a CSV folder or a bundle): exit 0 intact, 1 changed.",
        discussion: """
            Checks that the content hashes to the signed digest, that the Ed25519 signature over the \
            digest, period and chain head verifies under a trusted key, and, for a folder, that every \
            file matches the signed manifest and no file was added. Exit 2 when it cannot check (no key, \
            unreadable file).
            """)

    @Argument(help: "The report file, CSV folder or bundle folder.")
    var file: String

    @Option(help: "Trusted public key(s) (PEM or base64, as `jwtaudit keys export` prints them).")
    var key: String?

    @Option(help: "Take the trusted keys from this data folder instead (weaker: the store vouches for itself).")
    var data: String?

    func run() throws {
        let keys: [Ed25519PublicKey]
        let source: String
        do {
            (keys, source) = try trustedKeys()
        } catch {
            FileHandle.standardError.write(Data("jwtaudit verify-report: \(error)\n".utf8))
            throw ExitCode(2)
        }
        let result = ReportVerifier.verify(path: file, keys: keys)
        if let problem = result.problem {
            print("CHANGED: \(problem)")
            throw ExitCode(1)
        }
        guard let signature = result.signature else { throw ExitCode(1) }
        let manifest = result.filesChecked > 0 ? " (manifest of \(result.filesChecked) files)" : ""
        print(
            """
            intact: \(signature.framework) report (\(signature.format)), period \(Timestamp.format(signature.from)) \
            … \(Timestamp.format(signature.to))
            digest      \(signature.digest)\(manifest)
            chain head  block \(signature.chainHead.sequence), \(signature.chainHead.hash)
            signed      \(Timestamp.format(signature.generatedAt)) with key \(signature.keyID) (\(source))
            """)
    }

    private func trustedKeys() throws -> ([Ed25519PublicKey], String) {
        if let key {
            guard let text = try? String(contentsOfFile: key, encoding: .utf8) else {
                throw ReportError("cannot read \(key)")
            }
            return (try Ed25519PublicKey.keys(in: text), "given with --key")
        }
        if let data {
            let keys = try CheckpointStore(directory: DataDirectory(root: data), readOnly: true).keys().map(\.key)
            guard !keys.isEmpty else { throw ReportError("\(data) records no signing key") }
            return (keys, "from the store \(data): compare the key id with one you hold")
        }
        var isDirectory: ObjCBool = false
        let folder = FileManager.default.fileExists(atPath: file, isDirectory: &isDirectory) && isDirectory.boolValue
            ? file : (file as NSString).deletingLastPathComponent
        let parent = (folder as NSString).deletingLastPathComponent
        for candidate in [folder + "/public-keys.pem", parent + "/public-keys.pem"] {
            if let text = try? String(contentsOfFile: candidate, encoding: .utf8) {
                let note = "from \(candidate) in the bundle: compare the key id with one you hold"
                return (try Ed25519PublicKey.keys(in: text), note)
            }
        }
        throw ReportError("no key: give --key PUB (jwtaudit keys export) or --data DIR")
    }
}
