import Foundation

/// A rejection the daemon reported: `{"error":{"line":K,"code":"CODE","field":"NAME","message":"TEXT"}}`.
public struct ServerError: Sendable, Hashable, CustomStringConvertible {
    /// The rejected line: 1-based, counting event lines after the hello.
    public var line: Int
    /// The error code (`invalid_json`, `missing_field`, ...).
    public var code: String
    /// The field at fault, when there is one.
    public var field: String?
    /// The daemon's explanation.
    public var message: String

    /// Creates a rejection.
    public init(line: Int, code: String, field: String? = nil, message: String) {
        self.line = line
        self.code = code
        self.field = field
        self.message = message
    }

    /// `CODE field: message` (without the line).
    public var summary: String {
        if let field, !field.isEmpty {
            return "\(code) \(field): \(message)"
        }
        return "\(code): \(message)"
    }

    /// `line K: CODE field: message`.
    public var description: String { "line \(line): \(summary)" }
}

/// One line the daemon writes back on an acknowledged-mode connection (DESIGN section 2).
public enum ServerReply: Sendable, Hashable {
    /// `{"hello":{"version":V,"max_line":N}}`
    case hello(version: Int, maxLine: Int)
    /// `{"ack":N}`: the first N event lines are done.
    case ack(Int)
    /// `{"error":{...}}`: one line was rejected.
    case error(ServerError)
    /// A line this client does not know (kept for forward compatibility; ignored).
    case unknown(String)

    /// Parses one reply line (without its newline).
    ///
    /// `{"ack":N}` takes a fast path; everything else goes through `JSONSerialization` (replies
    /// other than acks are few).
    public static func parse<Bytes: Collection<UInt8>>(_ line: Bytes) -> ServerReply {
        if let count = parseCompactAck(line) { return .ack(count) }
        let data = Data(line)
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            return .unknown(String(decoding: data, as: UTF8.self))
        }
        if let ack = integer(object["ack"]) {
            return .ack(ack)
        }
        if let hello = object["hello"] as? [String: Any], let version = integer(hello["version"]) {
            return .hello(version: version, maxLine: integer(hello["max_line"]) ?? 65_536)
        }
        if let error = object["error"] as? [String: Any] {
            return .error(
                ServerError(
                    line: integer(error["line"]) ?? 0,
                    code: error["code"] as? String ?? "unknown",
                    field: error["field"] as? String,
                    message: error["message"] as? String ?? ""
                )
            )
        }
        return .unknown(String(decoding: data, as: UTF8.self))
    }

    private static func integer(_ value: Any?) -> Int? {
        switch value {
        case let number as Int: number
        case let number as NSNumber: number.intValue
        case let number as Double: Int(exactly: number)
        default: nil
        }
    }

    /// `{"ack":` digits `}` exactly, or nil.
    private static func parseCompactAck<Bytes: Collection<UInt8>>(_ line: Bytes) -> Int? {
        let prefix: [UInt8] = Array(#"{"ack":"#.utf8)
        guard line.count > prefix.count + 1, line.starts(with: prefix) else { return nil }
        var value = 0
        var digits = 0
        var index = line.index(line.startIndex, offsetBy: prefix.count)
        while index != line.endIndex, line[index] >= 48, line[index] <= 57 {
            guard digits < 18 else { return nil }
            value = value * 10 + Int(line[index] - 48)
            digits += 1
            index = line.index(after: index)
        }
        guard digits > 0, index != line.endIndex, line[index] == UInt8(ascii: "}"),
            line.index(after: index) == line.endIndex
        else { return nil }
        return value
    }
}
