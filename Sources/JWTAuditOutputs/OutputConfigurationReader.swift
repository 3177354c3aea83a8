import JWTAuditDetection
import JWTAuditModel

/// Reads one `outputs` entry field by field, with `PATH:LINE: field F: message` errors.
struct OutputConfigurationReader {
    let path: String

    func problem(_ line: Int, _ field: String, _ message: String) -> OutputConfigurationError {
        OutputConfigurationError(description: "\(path):\(line): field \(field): \(message)")
    }

    /// The output an entry describes, and the line of its `name` (without one it carries its type
    /// as a provisional name).
    func output(_ entry: PositionedJSON, field: String) throws -> (configuration: OutputConfiguration, nameLine: Int?) {
        let members = try members(of: entry, field: field)
        guard let typeMember = members.first(where: { $0.key == "type" }) else {
            throw problem(entry.line, "\(field).type", "is required (stdout, webhook or syslog)")
        }
        let type = try string(typeMember, "\(field).type")
        var common = Common(name: type)
        var rest: [PositionedJSON.Member] = []
        for member in members where member.key != "type" {
            let memberField = "\(field).\(member.key)"
            switch member.key {
            case "name":
                common.name = try name(member, memberField)
                common.nameLine = member.line
            case "queue": common.queue = try integer(member.value, memberField, 1...10_000_000)
            case "min_severity": common.minimumSeverity = try severity(member, memberField)
            default: rest.append(member)
            }
        }
        let configuration: OutputConfiguration
        switch type {
        case "stdout":
            var stdout = StdoutOutput.Configuration()
            stdout.name = common.name
            stdout.queueCapacity = common.queue
            stdout.minimumSeverity = common.minimumSeverity
            if let member = rest.first { throw problem(member.line, "\(field).\(member.key)", "unknown setting") }
            configuration = .stdout(stdout)
        case "webhook":
            var webhook = try self.webhook(entry, rest, field: field)
            webhook.name = common.name
            webhook.queueCapacity = common.queue
            webhook.minimumSeverity = common.minimumSeverity
            configuration = .webhook(webhook)
        case "syslog":
            var syslog = try self.syslog(entry, rest, field: field)
            syslog.name = common.name
            syslog.queueCapacity = common.queue
            syslog.minimumSeverity = common.minimumSeverity
            configuration = .syslog(syslog)
        default:
            throw problem(typeMember.line, "\(field).type", "must be stdout, webhook or syslog")
        }
        return (configuration, common.nameLine)
    }

    private struct Common {
        var name: String
        var nameLine: Int?
        var queue = 10_000
        var minimumSeverity = Severity.low
    }

    private func webhook(
        _ entry: PositionedJSON, _ members: [PositionedJSON.Member], field: String
    ) throws -> WebhookOutput.Configuration {
        guard let urlMember = members.first(where: { $0.key == "url" }) else {
            throw problem(entry.line, "\(field).url", "is required for a webhook")
        }
        let url = try string(urlMember, "\(field).url")
        guard WebhookOutput.isValidURL(url) else {
            throw problem(urlMember.line, "\(field).url", "must be an absolute http or https URL with a host")
        }
        var configuration = WebhookOutput.Configuration(url: url)
        var retry = RetryFields()
        for member in members where member.key != "url" {
            let memberField = "\(field).\(member.key)"
            switch member.key {
            case "headers": configuration.headers = try headers(member, memberField)
            case "timeout_seconds": configuration.timeout = try seconds(member, memberField, 0.001...300)
            default:
                guard try retry.read(member, memberField, self) else {
                    throw problem(member.line, memberField, "unknown setting")
                }
            }
        }
        configuration.retry = try retry.policy(entry: entry, field: field, self)
        return configuration
    }

    private func syslog(
        _ entry: PositionedJSON, _ members: [PositionedJSON.Member], field: String
    ) throws -> SyslogOutput.Configuration {
        guard let transportMember = members.first(where: { $0.key == "transport" }) else {
            throw problem(entry.line, "\(field).transport", "is required for syslog (unix or tcp)")
        }
        guard let addressMember = members.first(where: { $0.key == "address" }) else {
            throw problem(entry.line, "\(field).address", "is required for syslog")
        }
        let address = try string(addressMember, "\(field).address")
        let transport: SyslogOutput.Transport
        switch try string(transportMember, "\(field).transport") {
        case "unix":
            guard address.hasPrefix("/"), address.utf8.count <= 107 else {
                throw problem(
                    addressMember.line, "\(field).address", "must be an absolute socket path of at most 107 bytes")
            }
            transport = .unix(path: address)
        case "tcp":
            guard let (host, port) = Self.hostAndPort(address) else {
                throw problem(
                    addressMember.line, "\(field).address",
                    "must be HOST:PORT or [IPV6]:PORT with a port from 1 to 65535")
            }
            transport = .tcp(host: host, port: port)
        default:
            throw problem(transportMember.line, "\(field).transport", "must be unix or tcp")
        }
        var configuration = SyslogOutput.Configuration(transport: transport)
        var retry = RetryFields()
        for member in members where member.key != "transport" && member.key != "address" {
            let memberField = "\(field).\(member.key)"
            switch member.key {
            case "facility": configuration.facility = try facility(member, memberField)
            case "hostname":
                let hostname = try string(member, memberField)
                guard hostname.utf8.count <= 255, hostname.unicodeScalars.allSatisfy({ (33...126).contains($0.value) })
                else {
                    throw problem(
                        member.line, memberField, "must be at most 255 printable ASCII characters without spaces")
                }
                configuration.hostname = hostname
            case "timeout_seconds": configuration.timeout = try seconds(member, memberField, 0.001...300)
            default:
                guard try retry.read(member, memberField, self) else {
                    throw problem(member.line, memberField, "unknown setting")
                }
            }
        }
        configuration.retry = try retry.policy(entry: entry, field: field, self)
        return configuration
    }

    /// The retry fields shared by webhook and syslog.
    private struct RetryFields {
        var maxAttempts = RetryPolicy().maxAttempts
        var initial = RetryPolicy().initialDelay
        var maximum = RetryPolicy().maxDelay
        /// Line of the last retry field read, for the message when the two delays disagree.
        var line: Int?

        /// Reads `member` if it is a retry field; `false` when it is not one.
        mutating func read(
            _ member: PositionedJSON.Member, _ field: String, _ reader: OutputConfigurationReader
        ) throws -> Bool {
            switch member.key {
            case "max_attempts": maxAttempts = try reader.integer(member.value, field, 1...1_000)
            case "retry_initial_seconds": initial = try reader.number(member, field, 0.001...3_600)
            case "retry_max_seconds": maximum = try reader.number(member, field, 0.001...86_400)
            default: return false
            }
            line = member.line
            return true
        }

        func policy(entry: PositionedJSON, field: String, _ reader: OutputConfigurationReader) throws -> RetryPolicy {
            guard maximum >= initial else {
                throw reader.problem(
                    line ?? entry.line, "\(field).retry_max_seconds", "must not be below retry_initial_seconds")
            }
            return RetryPolicy(maxAttempts: maxAttempts, initialDelay: initial, maxDelay: maximum)
        }
    }

    /// `host:port`, `[v6]:port`; `nil` when malformed.
    static func hostAndPort(_ address: String) -> (String, Int)? {
        let host: Substring
        let portText: Substring
        if address.hasPrefix("[") {
            guard let close = address.firstIndex(of: "]"), address[address.index(after: close)...].hasPrefix(":")
            else { return nil }
            host = address[address.index(after: address.startIndex)..<close]
            portText = address[address.index(close, offsetBy: 2)...]
        } else {
            guard let colon = address.lastIndex(of: ":"), !address[..<colon].contains(":") else { return nil }
            host = address[..<colon]
            portText = address[address.index(after: colon)...]
        }
        guard !host.isEmpty, !host.contains(where: { $0 == " " || $0 == "/" }), let port = Int(portText),
            (1...65_535).contains(port)
        else { return nil }
        return (String(host), port)
    }

    // MARK: - Typed fields

    /// The members of an object, refusing anything else and repeated keys.
    func members(of value: PositionedJSON, field: String) throws -> [PositionedJSON.Member] {
        guard case .object(let members) = value.value else {
            throw problem(value.line, field, "must be an object, not \(value.typeName)")
        }
        var seen: Set<String> = []
        for member in members where !seen.insert(member.key).inserted {
            throw problem(member.line, "\(field).\(member.key)", "appears twice")
        }
        return members
    }

    func string(_ member: PositionedJSON.Member, _ field: String) throws -> String {
        guard case .string(let string) = member.value.value, !string.isEmpty else {
            throw problem(member.line, field, "must be a non-empty string")
        }
        return string
    }

    func integer(_ value: PositionedJSON, _ field: String, _ range: ClosedRange<Int>) throws -> Int {
        guard case .integer(let integer) = value.value, range.contains(integer) else {
            throw problem(value.line, field, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
        }
        return integer
    }

    func number(_ member: PositionedJSON.Member, _ field: String, _ range: ClosedRange<Double>) throws -> Double {
        let number: Double
        switch member.value.value {
        case .integer(let value): number = Double(value)
        case .number(let value): number = value
        default: number = .nan
        }
        guard range.contains(number) else {
            throw problem(
                member.line, field, "must be a number from \(format(range.lowerBound)) to \(format(range.upperBound))")
        }
        return number
    }

    func seconds(_ member: PositionedJSON.Member, _ field: String, _ range: ClosedRange<Double>) throws -> Duration {
        .microseconds(Int64((try number(member, field, range) * 1_000_000).rounded()))
    }

    private func format(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(value)
    }

    private func name(_ member: PositionedJSON.Member, _ field: String) throws -> String {
        let name = try string(member, field)
        let allowed = name.utf8.allSatisfy { byte in
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
                UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."):
                true
            default: false
            }
        }
        guard allowed, name.utf8.count <= 64 else {
            throw problem(member.line, field, "must be 1 to 64 letters, digits, '-', '_' or '.'")
        }
        return name
    }

    private func severity(_ member: PositionedJSON.Member, _ field: String) throws -> Severity {
        guard case .string(let text) = member.value.value, let severity = Severity(name: text) else {
            throw problem(member.line, field, "must be low, medium, high or critical")
        }
        return severity
    }

    private func facility(_ member: PositionedJSON.Member, _ field: String) throws -> Int {
        switch member.value.value {
        case .integer(let code) where (0...23).contains(code): return code
        case .string(let name):
            if let code = SyslogMessage.facility(named: name) { return code }
        default: break
        }
        throw problem(
            member.line, field, "must be a facility name (such as authpriv, daemon, local0) or a code from 0 to 23")
    }

    /// Whether `byte` may appear in an HTTP token (RFC 9110 `tchar`).
    private static func isTokenByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
            UInt8(ascii: "0")...UInt8(ascii: "9"):
            true
        default: "!#$%&'*+-.^_`|~".utf8.contains(byte)
        }
    }

    /// Header names are HTTP tokens; values have no control character but tab. Framing headers are refused.
    private func headers(_ member: PositionedJSON.Member, _ field: String) throws -> [String: String] {
        var headers: [String: String] = [:]
        var lowercased: Set<String> = []
        for header in try members(of: member.value, field: field) {
            let headerField = "\(field).\(header.key)"
            let isToken = !header.key.isEmpty && header.key.utf8.allSatisfy(Self.isTokenByte)
            guard isToken else { throw problem(header.line, field, "a header name must be an HTTP token") }
            guard !["host", "content-length", "transfer-encoding", "connection"].contains(header.key.lowercased())
            else {
                throw problem(header.line, headerField, "is set by the client and cannot be configured")
            }
            guard lowercased.insert(header.key.lowercased()).inserted else {
                throw problem(header.line, headerField, "appears twice (header names ignore case)")
            }
            guard case .string(let value) = header.value.value, WebhookOutput.isValidHeaderValue(value) else {
                throw problem(header.line, headerField, "must be a string without line breaks or control characters")
            }
            headers[header.key] = value
        }
        return headers
    }
}
