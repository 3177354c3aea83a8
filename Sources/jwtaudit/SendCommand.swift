import ArgumentParser
import Foundation
import JWTAuditLoad

/// `jwtaudit send`: NDJSON from files or standard input to the daemon, in acknowledged mode.
struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send NDJSON events to the daemon and wait until each is stored or rejected.",
        discussion: """
            Sends the lines of each FILE (standard input when there is none, or for `-`) over one \
            acknowledged-mode connection, prints each rejected line as `line K: CODE field: message` \
            (K is the line in its file; the file name comes first when there are several files), \
            then `accepted N, rejected M`. Blank lines are skipped.

            Exit status: 0 when every line was stored; 1 when some were rejected; 2 when the daemon \
            cannot be reached, or the connection broke or stalled before the last acknowledgement.
            """
    )

    @Option(help: "The daemon's Unix socket.")
    var socket = "./jwtaudit.sock"

    @Option(
        help: """
            The producer name sent in the hello. With a stable name, resending events with the \
            same `seq` does not store them twice. Default: unique per run.
            """
    )
    var client: String?

    @Option(help: "Seconds to wait without any progress before giving up.")
    var timeout = 60

    @Argument(help: "NDJSON files (`-` or none: standard input).")
    var files: [String] = []

    func validate() throws {
        guard timeout > 0 else { throw ValidationError("--timeout must be positive") }
    }

    func run() async throws {
        let sources = files.isEmpty ? ["-"] : files
        let showNames = sources.count > 1
        let name = client ?? "send-\(getpid())-\(Int(Date().timeIntervalSince1970))"
        let connection: AcknowledgedClient
        do {
            connection = try AcknowledgedClient(
                socketPath: socket,
                clientName: name,
                idleTimeout: .seconds(timeout)
            )
        } catch {
            standardError("jwtaudit send: \(error)")
            throw ExitCode(2)
        }
        defer { connection.close() }
        let session = SendSession(client: connection)
        session.onRejection = { rejection in
            let location = showNames ? "\(rejection.source): line \(rejection.line)" : "line \(rejection.line)"
            standardError("\(location): \(rejection.error.summary)")
        }
        let summary: SendSession.Summary
        do {
            for source in sources {
                if source == "-" {
                    try session.send(descriptor: STDIN_FILENO, sourceName: "-")
                } else {
                    try session.send(path: source)
                }
            }
            summary = try session.finish()
        } catch let error as LoadError where error.code == .io {
            standardError("jwtaudit send: \(error)")
            _ = try? session.finish()
            let partial = session.partialSummary
            print("accepted \(partial.accepted), rejected \(partial.rejected)")
            throw ExitCode(2)
        } catch {
            let partial = session.partialSummary
            standardError("jwtaudit send: \(error)")
            print(
                "accepted \(partial.accepted), rejected \(partial.rejected), "
                    + "unacknowledged \(partial.sent - partial.accepted - partial.rejected)"
            )
            throw ExitCode(2)
        }
        print("accepted \(summary.accepted), rejected \(summary.rejected)")
        if summary.rejected > 0 { throw ExitCode(1) }
    }
}

private func standardError(_ line: String) {
    FileHandle.standardError.write(Data((line + "\n").utf8))
}
