import ArgumentParser
import Foundation
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore

/// `jwtaudit verify-proof`: checks an inclusion proof offline.
struct VerifyProofCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify-proof",
        abstract: "Check an inclusion proof offline against the signer's public key.",
        discussion: """
            Exit 0 printing the event when the proof holds: the event is in its block, the block \
            matches its hash, the Merkle path leads to the checkpoint's root, and the checkpoint is \
            signed by one of the given keys. Exit 1 naming the first check that fails.
            """)

    @Argument(help: "The proof file written by `jwtaudit prove`.")
    var file: String

    @Option(help: "Public keys you trust (PEM or base64, as `keys export` prints them).")
    var key: String

    func run() throws {
        guard let bytes = FileManager.default.contents(atPath: file) else {
            throw ValidationError("\(file): cannot read the file")
        }
        guard let text = try? String(contentsOfFile: key, encoding: .utf8) else {
            throw ValidationError("--key \(key): cannot read the file")
        }
        let keys: [Ed25519PublicKey]
        do {
            keys = try Ed25519PublicKey.keys(in: text)
        } catch {
            throw ValidationError("--key \(key): \(error)")
        }
        guard !keys.isEmpty else { throw ValidationError("--key \(key): no public key in the file") }
        do {
            let proof = try InclusionProof(json: Array(bytes))
            let event = try proof.verify(keys: keys)
            print(
                "valid: event \(proof.location) is in block \(proof.header.sequence), under the checkpoint of "
                    + "\(proof.checkpoint.treeSize) blocks signed \(Timestamp.format(proof.checkpoint.time)) "
                    + "by key \(proof.checkpoint.keyID)")
            print(EventJSON.encode(event))
        } catch {
            print("INVALID: \(error)")
            throw ExitCode(1)
        }
    }
}
