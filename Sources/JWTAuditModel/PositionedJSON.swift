/// A JSON value that remembers the 1-based line it starts on, and, for objects, the line of each key.
///
/// `JSONSerialization` forgets positions and silently accepts duplicate keys; diagnostics about a
/// configuration or policy file must name a line, so their loaders read the text with this small
/// parser instead.
public struct PositionedJSON: Sendable {
    /// One `"key": value` pair of an object, in file order.
    public struct Member: Sendable {
        public var key: String
        public var line: Int
        public var value: PositionedJSON
    }

    public enum Value: Sendable {
        case object([Member])
        case array([PositionedJSON])
        case string(String)
        /// A number written without fraction or exponent that fits an `Int`.
        case integer(Int)
        case number(Double)
        case bool(Bool)
        case null
    }

    public var value: Value
    public var line: Int

    /// The JSON type name used in messages ("an object", "a string", ...).
    public var typeName: String {
        switch value {
        case .object: "an object"
        case .array: "an array"
        case .string: "a string"
        case .integer, .number: "a number"
        case .bool: "a boolean"
        case .null: "null"
        }
    }

    /// Parses a complete JSON text.
    public static func parse(_ bytes: [UInt8]) throws(JSONSyntaxError) -> PositionedJSON {
        var parser = Parser(bytes: bytes)
        parser.skipWhitespace()
        let value = try parser.parseValue(depth: 0)
        parser.skipWhitespace()
        guard parser.index == bytes.count else { throw parser.error("unexpected text after the top-level value") }
        return value
    }
}

/// A JSON text that could not be read, with the line where reading stopped.
public struct JSONSyntaxError: Error, Sendable {
    public var line: Int
    public var message: String
}

private struct Parser {
    let bytes: [UInt8]
    var index = 0
    var line = 1

    init(bytes: [UInt8]) {
        self.bytes = bytes
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { index = 3 }
    }

    func error(_ message: String) -> JSONSyntaxError { JSONSyntaxError(line: line, message: message) }

    mutating func skipWhitespace() {
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "\n"): line += 1
            case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"): break
            default: return
            }
            index += 1
        }
    }

    mutating func parseValue(depth: Int) throws(JSONSyntaxError) -> PositionedJSON {
        guard depth < 64 else { throw error("nesting deeper than 64 levels") }
        guard index < bytes.count else { throw error("unexpected end of file") }
        let start = line
        switch bytes[index] {
        case UInt8(ascii: "{"): return PositionedJSON(value: .object(try parseObject(depth: depth)), line: start)
        case UInt8(ascii: "["): return PositionedJSON(value: .array(try parseArray(depth: depth)), line: start)
        case UInt8(ascii: "\""): return PositionedJSON(value: .string(try parseString()), line: start)
        case UInt8(ascii: "t"): try expectWord("true"); return PositionedJSON(value: .bool(true), line: start)
        case UInt8(ascii: "f"): try expectWord("false"); return PositionedJSON(value: .bool(false), line: start)
        case UInt8(ascii: "n"): try expectWord("null"); return PositionedJSON(value: .null, line: start)
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return PositionedJSON(value: try parseNumber(), line: start)
        default: throw error("unexpected character '\(Character(Unicode.Scalar(bytes[index])))'")
        }
    }

    mutating func expectWord(_ word: String) throws(JSONSyntaxError) {
        let utf8 = Array(word.utf8)
        guard bytes[index...].starts(with: utf8) else { throw error("unexpected text; expected \(word)") }
        index += utf8.count
    }

    mutating func parseObject(depth: Int) throws(JSONSyntaxError) -> [PositionedJSON.Member] {
        index += 1
        var members: [PositionedJSON.Member] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "}") {
            index += 1
            return members
        }
        while true {
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file inside an object") }
            guard bytes[index] == UInt8(ascii: "\"") else { throw error("expected a quoted key") }
            let keyLine = line
            let key = try parseString()
            skipWhitespace()
            guard index < bytes.count, bytes[index] == UInt8(ascii: ":") else { throw error("expected ':' after key") }
            index += 1
            skipWhitespace()
            let value = try parseValue(depth: depth + 1)
            members.append(PositionedJSON.Member(key: key, line: keyLine, value: value))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file inside an object") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "}") else { throw error("expected ',' or '}' in an object") }
            index += 1
            return members
        }
    }

    mutating func parseArray(depth: Int) throws(JSONSyntaxError) -> [PositionedJSON] {
        index += 1
        var elements: [PositionedJSON] = []
        skipWhitespace()
        if index < bytes.count, bytes[index] == UInt8(ascii: "]") {
            index += 1
            return elements
        }
        while true {
            skipWhitespace()
            elements.append(try parseValue(depth: depth + 1))
            skipWhitespace()
            guard index < bytes.count else { throw error("unexpected end of file inside an array") }
            if bytes[index] == UInt8(ascii: ",") {
                index += 1
                continue
            }
            guard bytes[index] == UInt8(ascii: "]") else { throw error("expected ',' or ']' in an array") }
            index += 1
            return elements
        }
    }

    mutating func parseString() throws(JSONSyntaxError) -> String {
        index += 1
        var scalars = String.UnicodeScalarView()
        var raw: [UInt8] = []
        func flush() {
            scalars.append(contentsOf: String(decoding: raw, as: UTF8.self).unicodeScalars)
            raw.removeAll(keepingCapacity: true)
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            switch byte {
            case UInt8(ascii: "\""):
                flush()
                return String(scalars)
            case UInt8(ascii: "\\"):
                flush()
                guard index < bytes.count else { break }
                let escape = bytes[index]
                index += 1
                switch escape {
                case UInt8(ascii: "\""): scalars.append("\"")
                case UInt8(ascii: "\\"): scalars.append("\\")
                case UInt8(ascii: "/"): scalars.append("/")
                case UInt8(ascii: "b"): scalars.append("\u{08}")
                case UInt8(ascii: "f"): scalars.append("\u{0C}")
                case UInt8(ascii: "n"): scalars.append("\n")
                case UInt8(ascii: "r"): scalars.append("\r")
                case UInt8(ascii: "t"): scalars.append("\t")
                case UInt8(ascii: "u"):
                    var code = try parseHex4()
                    if (0xD800..<0xDC00).contains(code), bytes[index...].starts(with: Array("\\u".utf8)) {
                        index += 2
                        let low = try parseHex4()
                        code = 0x10000 + ((code - 0xD800) << 10) + (low &- 0xDC00)
                    }
                    scalars.append(Unicode.Scalar(code) ?? "\u{FFFD}")
                default: throw error("invalid escape in a string")
                }
            case 0x00..<0x20:
                throw error("control character or line break inside a string")
            default:
                raw.append(byte)
            }
        }
        throw error("unterminated string")
    }

    mutating func parseHex4() throws(JSONSyntaxError) -> UInt32 {
        guard index + 4 <= bytes.count, let code = UInt32(String(decoding: bytes[index..<index + 4], as: UTF8.self), radix: 16)
        else { throw error("invalid \\u escape") }
        index += 4
        return code
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> PositionedJSON.Value {
        let start = index
        var isInteger = true
        while index < bytes.count {
            switch bytes[index] {
            case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "+"): break
            case UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"): isInteger = false
            default:
                return try number(from: start, isInteger: isInteger)
            }
            index += 1
        }
        return try number(from: start, isInteger: isInteger)
    }

    func number(from start: Int, isInteger: Bool) throws(JSONSyntaxError) -> PositionedJSON.Value {
        let text = String(decoding: bytes[start..<index], as: UTF8.self)
        if isInteger, let value = Int(text) { return .integer(value) }
        guard let value = Double(text), value.isFinite else { throw error("invalid number '\(text)'") }
        return .number(value)
    }
}
