import ArgumentParser
import Foundation
import JWTAuditStore

/// `jwtaudit prove`: writes an inclusion proof for one stored event.
struct ProveCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prove",
        abstract: "Write a proof that one event is in the signed log (check it with `verify-proof`).",
        discussion: """
            EVENT is DAY:BLOCK:INDEX as `jwtaudit search --with-ref` prints it. The proof holds the \
            event, its whole compressed block (so it discloses the block's other events), the block \
            header and hash, the Merkle path to the newest signed checkpoint that covers the block, and \
            that checkpoint. See docs/integrity.md.
            """)

    @Option(help: "Data folder.")
    var data: String = "./jwtaudit-data"

    @Argument(help: "The event: DAY:BLOCK:INDEX (from `search --with-ref`).")
    var event: String

    @Option(name: .shortAndLong, help: "Write the proof to this file instead of standard output.")
    var output: String?

    func run() throws {
        guard let location = EventLocation(event) else {
            throw ValidationError("EVENT must be DAY:BLOCK:INDEX, such as 2026-11-29:17:3 (see search --with-ref)")
        }
        let proof: InclusionProof
        do {
            proof = try InclusionProof.make(directory: DataDirectory(root: data), location: location)
        } catch {
            FileHandle.standardError.write(Data("jwtaudit prove: \(error)\n".utf8))
            throw ExitCode(2)
        }
        if let output {
            guard FileManager.default.createFile(atPath: output, contents: Data(proof.json.utf8)) else {
                throw ValidationError("--output \(output): cannot write the file")
            }
        } else {
            print(proof.json, terminator: "")
        }
    }
}
