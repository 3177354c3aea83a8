import JWTAuditDetection
import JWTAuditModel
import JWTAuditOutputs
import Testing

@Suite struct OutputConfigurationTests {
    /// The `outputs` array of a configuration text.
    private func parse(_ text: String) throws -> [OutputConfiguration] {
        let root = try PositionedJSON.parse(Array(text.utf8))
        guard case .object(let members) = root.value, let outputs = members.first(where: { $0.key == "outputs" }) else {
            Issue.record("no outputs member")
            return []
        }
        return try OutputConfiguration.parse(outputs.value, path: "jwtaudit.json")
    }

    /// The message `parse` throws for `text`.
    private func problem(_ text: String) -> String? {
        do {
            _ = try parse(text)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("every output type with its fields; unnamed outputs are named after their type")
    func fullExample() throws {
        let outputs = try parse(
            """
            {"outputs": [
              {"type": "stdout"},
              {"type": "webhook", "url": "https://siem.example/hook", "headers": {"Authorization": "Bearer t"},
               "queue": 500, "timeout_seconds": 2.5, "max_attempts": 3, "min_severity": "medium",
               "retry_initial_seconds": 1, "retry_max_seconds": 10},
              {"type": "webhook", "url": "http://127.0.0.1:8080/"},
              {"type": "syslog", "transport": "unix", "address": "/dev/log"},
              {"type": "syslog", "name": "siem", "transport": "tcp", "address": "[2001:db8::1]:6514",
               "facility": "local3", "min_severity": "high", "hostname": "audit-1"}
            ]}
            """)
        #expect(outputs.map(\.name) == ["stdout", "webhook", "webhook-2", "syslog", "siem"])
        guard case .stdout(let stdout) = outputs[0], case .webhook(let webhook) = outputs[1],
            case .webhook(let second) = outputs[2], case .syslog(let local) = outputs[3],
            case .syslog(let remote) = outputs[4]
        else {
            Issue.record("wrong output types")
            return
        }
        #expect(stdout.queueCapacity == 10_000 && stdout.minimumSeverity == .low)
        #expect(webhook.url == "https://siem.example/hook")
        #expect(webhook.headers == ["Authorization": "Bearer t"])
        #expect(webhook.queueCapacity == 500 && webhook.minimumSeverity == .medium)
        #expect(webhook.timeout == .milliseconds(2_500))
        #expect(webhook.retry == RetryPolicy(maxAttempts: 3, initialDelay: 1, maxDelay: 10))
        #expect(second.retry == RetryPolicy() && second.timeout == .seconds(5))
        #expect(local.transport == .unix(path: "/dev/log") && local.facility == 10)
        #expect(remote.transport == .tcp(host: "2001:db8::1", port: 6514))
        #expect(remote.facility == 19 && remote.minimumSeverity == .high && remote.hostname == "audit-1")
    }

    /// `outputs` values written over several lines, and the message each must produce.
    static let badEntries: [(lines: [String], message: String)] = [
        ([#"{"type": "stdout"}"#], "1: field outputs: must be an array of objects, not an object"),
        (["[", #"{"type": "stdout","#, #""colour": "red"}]"#], "3: field outputs[0].colour: unknown setting"),
        (["[", #"{"type": "email"}]"#], "2: field outputs[0].type: must be stdout, webhook or syslog"),
        (["[", #"{"queue": 5}]"#], "2: field outputs[0].type: is required (stdout, webhook or syslog)"),
        ([#"[{"type": "stdout"},"#, #"{"type": "webhook"}]"#], "2: field outputs[1].url: is required for a webhook"),
        (
            ["[", #"{"type": "webhook","#, #""url": "ftp://x/y"}]"#],
            "3: field outputs[0].url: must be an absolute http or https URL with a host"
        ),
        (
            [#"[{"type": "stdout","#, #""queue": 0}]"#],
            "2: field outputs[0].queue: must be an integer from 1 to 10000000"
        ),
        (
            [#"[{"type": "stdout","#, #""min_severity": "urgent"}]"#],
            "2: field outputs[0].min_severity: must be low, medium, high or critical"
        ),
        ([#"[{"type": "stdout","#, #""type": "stdout"}]"#], "2: field outputs[0].type: appears twice"),
        (
            [#"[{"type": "syslog", "address": "/dev/log","#, #""transport": "udp"}]"#],
            "2: field outputs[0].transport: must be unix or tcp"
        ),
        (
            [#"[{"type": "syslog", "transport": "tcp","#, #""address": "siem.example"}]"#],
            "2: field outputs[0].address: must be HOST:PORT or [IPV6]:PORT with a port from 1 to 65535"
        ),
        (
            [#"[{"type": "syslog", "transport": "unix","#, #""address": "dev/log"}]"#],
            "2: field outputs[0].address: must be an absolute socket path of at most 107 bytes"
        ),
        (
            [#"[{"type": "syslog", "transport": "unix", "address": "/dev/log","#, #""facility": 24}]"#],
            "2: field outputs[0].facility: must be a facility name (such as authpriv, daemon, local0) "
                + "or a code from 0 to 23"
        ),
        (
            [#"[{"type": "webhook", "url": "https://h/","#, #""timeout_seconds": 0}]"#],
            "2: field outputs[0].timeout_seconds: must be a number from 0.001 to 300"
        ),
        (
            [#"[{"type": "webhook", "url": "https://h/","#, #""max_attempts": 0}]"#],
            "2: field outputs[0].max_attempts: must be an integer from 1 to 1000"
        ),
        (
            [
                "[", #"{"type": "webhook", "url": "https://h/", "retry_initial_seconds": 5,"#,
                #""retry_max_seconds": 1}]"#,
            ],
            "3: field outputs[0].retry_max_seconds: must not be below retry_initial_seconds"
        ),
        (
            [#"[{"type": "webhook", "url": "https://h/", "headers": {"#, #""Content-Length": "1"}}]"#],
            "2: field outputs[0].headers.Content-Length: is set by the client and cannot be configured"
        ),
        (
            [#"[{"type": "stdout", "name": "a"},"#, #"{"type": "stdout", "name": "a"}]"#],
            #"2: field outputs[1].name: "a" is already the name of outputs[0]"#
        ),
        (
            [#"[{"type": "stdout","#, #""name": "has space"}]"#],
            "2: field outputs[0].name: must be 1 to 64 letters, digits, '-', '_' or '.'"
        ),
    ]

    @Test("bad entries are refused with file, line and field", arguments: badEntries)
    func problems(lines: [String], message: String) {
        #expect(problem(#"{"outputs": "# + lines.joined(separator: "\n") + "}") == "jwtaudit.json:" + message)
    }

    @Test("a header value with a line break is refused without repeating the value")
    func headerInjection() {
        let message = problem(
            "{\"outputs\": [{\"type\": \"webhook\", \"url\": \"https://h/\", \"headers\": {\n"
                + "\"Authorization\": \"Bearer sekrit\\r\\nX-Evil: 1\"}}]}"
        )
        #expect(
            message
                == "jwtaudit.json:2: field outputs[0].headers.Authorization: "
                + "must be a string without line breaks or control characters")
        #expect(message?.contains("sekrit") == false)
    }

    @Test("an explicit name that an unnamed output would take is kept; the unnamed one moves on")
    func defaultNamesAvoidExplicitOnes() throws {
        let outputs = try parse(
            #"{"outputs": [{"type": "stdout", "name": "stdout-2"}, {"type": "stdout"}, {"type": "stdout"}]}"#
        )
        #expect(outputs.map(\.name) == ["stdout-2", "stdout", "stdout-3"])
    }
}
