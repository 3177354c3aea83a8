import ArgumentParser
import AsyncHTTPClient
import Foundation
import Glibc
import JWTAuditRetention
import JWTAuditStore
import NIOCore

/// `jwtaudit forget`: erase a data subject (or an address) by destroying its pseudonym key.
struct ForgetCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "forget",
        abstract: "Erase a subject or address: destroy the key linking it to its pseudonym (crypto-shredding).",
        discussion: """
            Stored events keep the old pseudonym, which nothing can tie to the value any more; blocks are \
            unchanged, so verify still passes. Detection state about it is dropped and the request is \
            recorded (without the value) in meta.sqlite, table forget_requests. With no daemon on the folder \
            the command works on it directly; while a daemon runs, it asks the daemon (POST /api/v1/forget \
            with an admin token from $JWTAUDIT_API_TOKEN or --token-file), which holds the keys in memory. \
            Refused when the policy does not pseudonymise the field: clear values cannot be erased without \
            breaking the hash chain. Pass - as the value to read it from standard input (keeps it out of \
            the shell history and the process list). See docs/retention.md.
            """)

    @Option(help: "Data folder.")
    var data: String = "./jwtaudit-data"

    @Option(help: "The subject (sub) to forget, or - to read it from standard input.")
    var sub: String?

    @Option(name: .customLong("client-ip"), help: "The client address to forget, or - to read it from standard input.")
    var clientIP: String?

    @Option(help: "The retention policy the daemon runs with (it says which fields are pseudonymised).")
    var policy: String = "retention.json"

    @Option(help: "Who asks, as recorded (default: local:USER). Through the daemon, the API token's name.")
    var requestedBy: String?

    @Option(help: "The running daemon's HTTP API.")
    var api: String = "http://127.0.0.1:8088"

    @Option(help: "File holding an admin API token (default: $JWTAUDIT_API_TOKEN).")
    var tokenFile: String?

    func validate() throws {
        guard (sub == nil) != (clientIP == nil) else {
            throw ValidationError("give exactly one of --sub or --client-ip")
        }
    }

    func run() async throws {
        let field: PseudonymField = sub != nil ? .subject : .clientIP
        let value = try readValue(sub ?? clientIP ?? "")
        guard !value.isEmpty else { throw ValidationError("the value to forget is empty") }
        try checkPolicy(field)
        let directory = DataDirectory(root: data)
        guard FileManager.default.fileExists(atPath: directory.root) else {
            throw ValidationError("no data folder at \(data)")
        }
        if let lock = try PartitionPruner(directory: directory).tryLockDaemon() {
            defer { close(lock) }
            do {
                let outcome = try StoreEraser.forgetOffline(
                    directory: directory, field: field, value: value, requestedBy: requestedBy ?? Self.localUser(),
                    now: currentMicros())
                print(outcome.lines.joined(separator: "\n"))
            } catch let refusal as StoreEraser.Refusal {
                throw ValidationError(refusal.description)
            }
            return
        }
        try await throughDaemon(field, value)
    }

    /// The policy must pseudonymise `field`: otherwise stored events hold it in clear and there is
    /// nothing to destroy.
    private func checkPolicy(_ field: PseudonymField) throws {
        let loaded: RetentionPolicy
        do {
            loaded = try RetentionPolicy.load(path: policy)
        } catch {
            throw ValidationError("cannot read the retention policy: \(error)")
        }
        guard loaded.pseudonymisation.covers(field.name) else {
            throw ValidationError(
                "refused: \(policy) does not pseudonymise \(field.name), so stored events hold it in clear. "
                    + "Erasing it from stored blocks would break the hash chain and with it the log's tamper "
                    + "evidence, and destroying no key would only pretend. Enable pseudonymisation (docs/retention.md) "
                    + "for events stored from then on; older events leave with retention.")
        }
    }

    private func readValue(_ given: String) throws -> String {
        guard given == "-" else { return given }
        guard let line = readLine(strippingNewline: true) else { throw ValidationError("nothing on standard input") }
        return line
    }

    /// Sends the request to the running daemon.
    private func throughDaemon(_ field: PseudonymField, _ value: String) async throws {
        let token: String
        if let tokenFile {
            token = try String(contentsOfFile: tokenFile, encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines)
        } else if let fromEnvironment = ProcessInfo.processInfo.environment["JWTAUDIT_API_TOKEN"] {
            token = fromEnvironment
        } else {
            throw ValidationError(
                "a daemon is using \(data) and holds the pseudonym keys in memory, so forget goes through it: "
                    + "set JWTAUDIT_API_TOKEN (or --token-file) to an admin token "
                    + "(jwtaudit tokens create --role admin) and --api if it does not listen on \(api)")
        }
        let body = try JSONSerialization.data(withJSONObject: ["field": field.name, "value": value])
        var request = HTTPClientRequest(url: api.trimmingSuffix("/") + "/api/v1/forget")
        request.method = .POST
        request.headers.add(name: "Authorization", value: "Bearer \(token)")
        request.headers.add(name: "Content-Type", value: "application/json")
        request.body = .bytes(ByteBuffer(bytes: body))
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        let status: UInt
        let answer: [String: Any]
        do {
            let response = try await client.execute(request, timeout: .seconds(120))
            let bytes = try await response.body.collect(upTo: 1 << 20)
            status = response.status.code
            answer = (try? JSONSerialization.jsonObject(with: Data(bytes.readableBytesView))) as? [String: Any] ?? [:]
            try await client.shutdown()
        } catch {
            try? await client.shutdown()
            throw ValidationError("cannot reach the daemon's API at \(api): \(error)")
        }
        guard status == 200 else {
            let code = answer["error"] as? String ?? "HTTP \(status)"
            let message = answer["message"] as? String
            throw ValidationError("the daemon refused: \(code)\(message.map { ": \($0)" } ?? "")")
        }
        let outcome = StoreEraser.Outcome(
            field: field, hadKey: answer["had_key"] as? Bool ?? false,
            eventsAffected: (answer["events_affected"] as? NSNumber)?.int64Value ?? 0,
            clearEvents: (answer["clear_events"] as? NSNumber)?.int64Value ?? 0,
            requestID: (answer["request_id"] as? NSNumber)?.int64Value ?? 0)
        print(outcome.lines.joined(separator: "\n"))
    }

    private static func localUser() -> String {
        if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return "local:" + String(cString: name) }
        return "local:uid \(getuid())"
    }
}

extension String {
    fileprivate func trimmingSuffix(_ suffix: String) -> String {
        var text = self
        while text.hasSuffix(suffix) { text.removeLast(suffix.count) }
        return text
    }
}
