import ArgumentParser
import Foundation
import JWTAuditAccess
import JWTAuditModel
import JWTAuditStore

/// `jwtaudit tokens`: create, list and revoke the HTTP API's tokens in `DATA/tokens.sqlite`.
struct TokensCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tokens",
        abstract: "Create, list and revoke HTTP API tokens (works while the daemon runs).",
        discussion: """
            Roles: analyst (read, triage alerts), auditor (read; cannot change alerts), admin (everything). \
            Only a SHA-256 of each token is stored: a token is shown once, when it is created.
            """,
        subcommands: [Create.self, List.self, Revoke.self, Failures.self]
    )

    struct Create: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "create", abstract: "Create a token; it is printed once, as the last word of the output.")

        @Option(help: "Data folder.")
        var data: String = "./jwtaudit-data"

        @Option(help: "The token's name: who acts with it (recorded in alert history).")
        var name: String

        @Option(help: "analyst, auditor or admin.")
        var role: String

        func run() throws {
            guard let role = APIRole(name: role) else {
                throw ValidationError("--role must be one of: \(APIRole.allCases.map(\.name).joined(separator: ", "))")
            }
            let (token, secret) = try TokensCommand.failing {
                try APITokenStore(directory: DataDirectory(root: data)).create(
                    name: name, role: role, now: currentMicros())
            }
            print("token \(token.name) (\(token.role.name)) created; it is shown only now: \(secret)")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "list", abstract: "Tokens, without their secrets.")

        @Option(help: "Data folder.")
        var data: String = "./jwtaudit-data"

        func run() throws {
            let tokens = try TokensCommand.failing { try TokensCommand.store(data)?.list() ?? [] }
            let rows = tokens.map { token in
                [
                    String(token.id), token.name, token.role.name, Timestamp.format(token.createdAt),
                    token.revokedAt.map(Timestamp.format) ?? "-",
                ]
            }
            print(renderTable(header: ["ID", "NAME", "ROLE", "CREATED", "REVOKED"], rows: rows))
        }
    }

    struct Revoke: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "revoke", abstract: "Revoke the active token with a name; the daemon refuses it at once.")

        @Argument(help: "The token's name.")
        var name: String

        @Option(help: "Data folder.")
        var data: String = "./jwtaudit-data"

        func run() throws {
            try TokensCommand.failing {
                guard let store = try TokensCommand.store(data) else {
                    throw APITokenError(.unknownToken, "no active token is named \(name)")
                }
                try store.revoke(name: name, now: currentMicros())
            }
            print("token \(name) revoked")
        }
    }

    struct Failures: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "failures", abstract: "Recent failed authentications: time, address, reason, request.")

        @Option(help: "Data folder.")
        var data: String = "./jwtaudit-data"

        @Option(help: "Most records to print.")
        var limit: Int = 100

        func run() throws {
            let failures = try TokensCommand.failing { try TokensCommand.store(data)?.failures(limit: limit) ?? [] }
            let rows = failures.map { failure in
                [
                    Timestamp.format(failure.at), TableCell.clean(failure.remoteAddress), failure.reason.rawValue,
                    TableCell.clean(failure.request),
                ]
            }
            print(renderTable(header: ["AT", "REMOTE", "REASON", "REQUEST"], rows: rows))
        }
    }

    /// The token store of `data`, or nil when none was ever created.
    static func store(_ data: String) throws -> APITokenStore? {
        let directory = DataDirectory(root: data)
        guard FileManager.default.fileExists(atPath: directory.tokensPath) else { return nil }
        return try APITokenStore(path: directory.tokensPath)
    }

    /// Runs `body`; a refused operation is printed and exits 1.
    @discardableResult
    static func failing<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as APITokenError {
            FileHandle.standardError.write(Data("jwtaudit tokens: \(error.message)\n".utf8))
            throw ExitCode(1)
        }
    }
}
