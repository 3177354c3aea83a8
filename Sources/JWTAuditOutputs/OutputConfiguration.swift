import JWTAuditDetection
import JWTAuditModel
import Logging

/// One entry of the daemon configuration's `"outputs"` array.
///
/// ```json
/// "outputs": [
///   {"type": "stdout"},
///   {"type": "webhook", "url": "https://siem.example/hook", "headers": {"Authorization": "Bearer …"},
///    "queue": 10000, "timeout_seconds": 5, "max_attempts": 8, "min_severity": "medium"},
///   {"type": "syslog", "transport": "unix", "address": "/dev/log", "facility": "authpriv"},
///   {"type": "syslog", "transport": "tcp", "address": "siem.example:6514", "min_severity": "high"}
/// ]
/// ```
public enum OutputConfiguration: Sendable {
    /// `"type": "stdout"`.
    case stdout(StdoutOutput.Configuration)
    /// `"type": "webhook"`.
    case webhook(WebhookOutput.Configuration)
    /// `"type": "syslog"`.
    case syslog(SyslogOutput.Configuration)

    /// The output's name, unique among the configured outputs.
    public var name: String {
        switch self {
        case .stdout(let configuration): configuration.name
        case .webhook(let configuration): configuration.name
        case .syslog(let configuration): configuration.name
        }
    }

    /// A running output for this configuration.
    public func makeOutput(logger: Logger = Logger(label: "jwtaudit.outputs")) throws -> any AlertOutput {
        switch self {
        case .stdout(let configuration): StdoutOutput(configuration: configuration, logger: logger)
        case .webhook(let configuration): try WebhookOutput(configuration: configuration, logger: logger)
        case .syslog(let configuration): SyslogOutput(configuration: configuration, logger: logger)
        }
    }

    /// Reads the `"outputs"` array of the configuration file at `path`.
    ///
    /// Unknown, repeated and mistyped fields are refused as `PATH:LINE: field outputs[I].F: message`,
    /// the style of the rest of the configuration file; messages never repeat the value given.
    /// Outputs without a `name` are named after their type (`webhook`, then `webhook-2`, …).
    public static func parse(_ value: PositionedJSON, path: String) throws -> [OutputConfiguration] {
        let reader = OutputConfigurationReader(path: path)
        guard case .array(let entries) = value.value else {
            throw reader.problem(value.line, "outputs", "must be an array of objects, not \(value.typeName)")
        }
        var parsed: [(configuration: OutputConfiguration, nameLine: Int?)] = []
        var names: [String: Int] = [:]
        for (index, entry) in entries.enumerated() {
            let output = try reader.output(entry, field: "outputs[\(index)]")
            if let nameLine = output.nameLine {
                if let other = names[output.configuration.name] {
                    throw reader.problem(
                        nameLine, "outputs[\(index)].name",
                        "\"\(output.configuration.name)\" is already the name of outputs[\(other)]"
                    )
                }
                names[output.configuration.name] = index
            }
            parsed.append(output)
        }
        var typeCounts: [String: Int] = [:]
        var configurations: [OutputConfiguration] = []
        for (index, output) in parsed.enumerated() {
            var configuration = output.configuration
            if output.nameLine == nil {
                let type = configuration.name
                var candidate: String
                repeat {
                    typeCounts[type, default: 0] += 1
                    candidate = typeCounts[type] == 1 ? type : "\(type)-\(typeCounts[type]!)"
                } while names[candidate] != nil
                names[candidate] = index
                configuration.rename(candidate)
            }
            configurations.append(configuration)
        }
        return configurations
    }

    mutating func rename(_ name: String) {
        switch self {
        case .stdout(var configuration):
            configuration.name = name
            self = .stdout(configuration)
        case .webhook(var configuration):
            configuration.name = name
            self = .webhook(configuration)
        case .syslog(var configuration):
            configuration.name = name
            self = .syslog(configuration)
        }
    }
}
