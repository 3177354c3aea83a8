import ArgumentParser
import Foundation
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore

/// `jwtaudit keys`: the store's checkpoint signing key (docs/integrity.md).
struct KeysCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keys",
        abstract: "Export or rotate the key that signs checkpoints.",
        subcommands: [Export.self, Rotate.self])

    /// How `keys export` prints a key.
    enum KeyFormat: String, ExpressibleByArgument, CaseIterable {
        case pem, base64
    }

    /// `jwtaudit keys export`.
    struct Export: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "export",
            abstract: "Print the public key that signs checkpoints, for auditors (`verify --key`).",
            discussion: """
                Each key is preceded by a comment line with its key id; the output can be given to \
                `jwtaudit verify --key` and `jwtaudit verify-proof --key` as it is. With --all, every key \
                the store has signed with (retired ones too) is printed, oldest first.
                """)

        @Option(help: "Data folder.")
        var data: String = "./jwtaudit-data"

        @Option(help: "pem (SubjectPublicKeyInfo, as openssl writes it) or base64 (the 32 raw bytes).")
        var format: KeyFormat = .pem

        @Flag(help: "Print every key the store has signed with, not only the current one.")
        var all = false

        func run() throws {
            let directory = DataDirectory(root: data)
            var output = ""
            do {
                if all {
                    for record in try CheckpointStore(directory: directory, readOnly: true).keys() {
                        let state = record.retiredAt.map { "retired \(Timestamp.format($0))" } ?? "current"
                        output += entry(record.key, "created \(Timestamp.format(record.createdAt)), \(state)")
                    }
                } else {
                    output = entry(try CheckpointKeys.current(in: directory).publicKey, "current")
                }
            } catch {
                FileHandle.standardError.write(Data("jwtaudit keys export: \(error)\n".utf8))
                throw ExitCode(2)
            }
            print(output, terminator: "")
        }

        private func entry(_ key: Ed25519PublicKey, _ note: String) -> String {
            "# key id \(key.keyID) (\(note))\n"
                + (format == .pem ? key.pem : Base64.encode(key.rawRepresentation) + "\n")
        }
    }

    /// `jwtaudit keys rotate`.
    struct Rotate: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "rotate",
            abstract: "Replace the signing key with a new one (the daemon must be stopped).",
            discussion: """
                The old private key is destroyed; its public key stays in the store (see `keys export \
                --all`), so checkpoints it signed stay verifiable. Give auditors the new public key.
                """)

        @Option(help: "Data folder.")
        var data: String = "./jwtaudit-data"

        func run() throws {
            do {
                let (retired, current) = try CheckpointKeys.rotate(in: DataDirectory(root: data), now: currentMicros())
                if let retired { print("retired key \(retired.keyID) (its public key is kept)") }
                print("new signing key \(current.keyID)")
                print(current.pem, terminator: "")
            } catch {
                FileHandle.standardError.write(Data("jwtaudit keys rotate: \(error)\n".utf8))
                throw ExitCode(2)
            }
        }
    }
}
