import JWTAuditDetection
import JWTAuditModel

/// RFC 5424 syslog messages for alerts.
///
/// `<PRI>1 TIMESTAMP HOSTNAME jwtaudit PROCID ALERT [jwtaudit@32473 rule="…" severity="…" id="…"] MSG`
/// where PRI is `facility × 8 + severity code` (critical 2, high 3, medium 4, low 5) and MSG is the
/// alert's JSON with every non-ASCII character written as a `\u` escape: MSG is printable ASCII,
/// so no line break, NEL or Unicode separator in attacker-controlled text reaches a receiver, and
/// no BOM question arises. Over TCP each message is framed by octet counting (RFC 6587).
public enum SyslogMessage {
    /// The structured-data element id carrying the alert's rule, severity and id.
    public static let structuredDataID = "jwtaudit@32473"
    /// APP-NAME of every message.
    public static let appName = "jwtaudit"
    /// MSGID of every message.
    public static let messageID = "ALERT"

    /// Facility names of RFC 5424 section 6.2.1 (and the common BSD names) with their codes.
    public static let facilities: [(name: String, code: Int)] = [
        ("kern", 0), ("user", 1), ("mail", 2), ("daemon", 3), ("auth", 4), ("syslog", 5), ("lpr", 6), ("news", 7),
        ("uucp", 8), ("cron", 9), ("authpriv", 10), ("ftp", 11), ("ntp", 12), ("security", 13), ("console", 14),
        ("clock", 15), ("local0", 16), ("local1", 17), ("local2", 18), ("local3", 19), ("local4", 20),
        ("local5", 21), ("local6", 22), ("local7", 23),
    ]

    /// The code of a facility name, such as 10 for `authpriv`.
    public static func facility(named name: String) -> Int? {
        facilities.first { $0.name == name }?.code
    }

    /// The syslog severity of an alert severity: critical 2 (crit), high 3 (err), medium 4
    /// (warning), low 5 (notice).
    public static func severityCode(_ severity: Severity) -> Int {
        switch severity {
        case .critical: 2
        case .high: 3
        case .medium: 4
        case .low: 5
        }
    }

    /// The message for `alert`, without framing.
    ///
    /// - Parameters:
    ///   - facility: 0–23.
    ///   - timestamp: microseconds since the epoch, written as RFC 3339 UTC.
    ///   - hostname: reduced to printable ASCII and 255 characters; `-` when empty.
    ///   - processID: PROCID.
    public static func format(
        _ alert: Alert, facility: Int, timestamp: Int64, hostname: String, processID: Int32
    ) -> [UInt8] {
        precondition((0...23).contains(facility), "syslog facility out of range")
        var message: [UInt8] = []
        message.reserveCapacity(1_200)
        message.append(contentsOf: "<\(facility * 8 + severityCode(alert.severity))>1 ".utf8)
        message.append(contentsOf: Timestamp.format(timestamp).utf8)
        message.append(UInt8(ascii: " "))
        message.append(contentsOf: headerField(hostname, maxLength: 255).utf8)
        message.append(contentsOf: " \(appName) \(processID) \(messageID) ".utf8)
        message.append(contentsOf: "[\(structuredDataID)".utf8)
        for (name, value) in [("rule", alert.rule), ("severity", alert.severity.name), ("id", String(alert.id))] {
            message.append(contentsOf: " \(name)=\"".utf8)
            message.append(contentsOf: escapeParameterValue(value).utf8)
            message.append(UInt8(ascii: "\""))
        }
        message.append(contentsOf: "] ".utf8)
        var json: [UInt8] = []
        json.reserveCapacity(1_024)
        AlertJSON.append(alert, to: &json)
        appendASCII(json, to: &message)
        return message
    }

    /// `LEN SP MSG`: RFC 6587 octet-counting framing for TCP.
    public static func octetCounted(_ message: [UInt8]) -> [UInt8] {
        Array("\(message.count) ".utf8) + message
    }

    /// An SD-PARAM value with `"`, `\` and `]` escaped by a backslash (RFC 5424 section 6.3.3);
    /// control characters, NEL and the Unicode line and paragraph separators become `?`.
    public static func escapeParameterValue(_ value: String) -> String {
        var escaped = String.UnicodeScalarView()
        for scalar in value.unicodeScalars {
            switch scalar {
            case "\"", "\\", "]":
                escaped.append("\\")
                escaped.append(scalar)
            case "\u{00}"..."\u{1F}", "\u{7F}"..."\u{9F}", "\u{2028}", "\u{2029}":
                escaped.append("?")
            default:
                escaped.append(scalar)
            }
        }
        return String(escaped)
    }

    /// A header field (HOSTNAME): printable ASCII only, other characters replaced by `_`, at most
    /// `maxLength` characters, `-` (the NILVALUE) when empty.
    static func headerField(_ value: String, maxLength: Int) -> String {
        let printable = value.unicodeScalars.prefix(maxLength).map { scalar -> Character in
            (33...126).contains(scalar.value) ? Character(scalar) : "_"
        }
        return printable.isEmpty ? "-" : String(printable)
    }

    /// Appends JSON text with every byte outside printable ASCII written as a `\uXXXX` escape
    /// (UTF-16, surrogate pairs above U+FFFF). Such bytes only occur inside JSON strings, where
    /// the escape means the same character.
    static func appendASCII(_ json: [UInt8], to buffer: inout [UInt8]) {
        let hex = Array("0123456789abcdef".utf8)
        func appendEscape(_ unit: UInt16) {
            buffer.append(contentsOf: [UInt8(ascii: "\\"), UInt8(ascii: "u")])
            for shift in stride(from: 12, through: 0, by: -4) { buffer.append(hex[Int(unit >> UInt16(shift)) & 0xF]) }
        }
        if json.allSatisfy({ (0x20...0x7E).contains($0) }) {
            buffer.append(contentsOf: json)
            return
        }
        for scalar in String(decoding: json, as: UTF8.self).unicodeScalars {
            if (0x20...0x7E).contains(scalar.value) {
                buffer.append(UInt8(scalar.value))
            } else {
                for unit in String(scalar).utf16 { appendEscape(unit) }
            }
        }
    }
}
