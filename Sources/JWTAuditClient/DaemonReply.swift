/// One line the daemon writes back in acknowledged mode, parsed without Foundation.
enum DaemonReply: Equatable {
    /// `{"hello":{"version":V,"max_line":N}}`
    case hello(version: Int, maxLine: Int)
    /// `{"ack":N}`: the first N event lines of the connection are done.
    case ack(Int)
    /// `{"error":{"line":K,"code":"CODE","field":"NAME","message":"TEXT"}}`
    case error(line: Int, code: String, field: String?, message: String)
    /// Anything else (ignored, for forward compatibility).
    case unknown

    /// Parses one line (without its newline).
    static func parse(_ line: UnsafeRawBufferPointer) -> DaemonReply {
        var reader = JSONReader(bytes: line)
        guard case .object(let members)? = reader.value() else { return .unknown }
        if case .number(let count)? = members.first(where: { $0.0 == "ack" })?.1 {
            return .ack(Int(count))
        }
        if case .object(let hello)? = members.first(where: { $0.0 == "hello" })?.1 {
            guard case .number(let version)? = hello.first(where: { $0.0 == "version" })?.1 else { return .unknown }
            var maxLine = 65_536
            if case .number(let value)? = hello.first(where: { $0.0 == "max_line" })?.1 { maxLine = Int(value) }
            return .hello(version: Int(version), maxLine: maxLine)
        }
        if case .object(let error)? = members.first(where: { $0.0 == "error" })?.1 {
            func text(_ name: String) -> String? {
                if case .string(let value)? = error.first(where: { $0.0 == name })?.1 { return value }
                return nil
            }
            var line = 0
            if case .number(let value)? = error.first(where: { $0.0 == "line" })?.1 { line = Int(value) }
            return .error(line: line, code: text("code") ?? "unknown", field: text("field"), message: text("message") ?? "")
        }
        return .unknown
    }
}

/// A small JSON reader for the daemon's replies: objects, arrays, strings, integers, literals.
struct JSONReader {
    /// A parsed value (arrays, floats and literals are kept only as ``other``).
    indirect enum Value {
        case object([(String, Value)])
        case string(String)
        case number(Int64)
        case other
    }

    private let bytes: UnsafeRawBufferPointer
    private var index = 0
    private var depth = 0

    init(bytes: UnsafeRawBufferPointer) {
        self.bytes = bytes
    }

    /// Reads one value, or nil when the text is not JSON.
    mutating func value() -> Value? {
        skipSpace()
        guard index < bytes.count, depth < 16 else { return nil }
        switch bytes[index] {
        case UInt8(ascii: "{"):
            index += 1
            depth += 1
            defer { depth -= 1 }
            var members: [(String, Value)] = []
            skipSpace()
            if peek(UInt8(ascii: "}")) { return .object(members) }
            while true {
                skipSpace()
                guard let name = string() else { return nil }
                skipSpace()
                guard peek(UInt8(ascii: ":")), let member = value() else { return nil }
                members.append((name, member))
                skipSpace()
                if peek(UInt8(ascii: ",")) { continue }
                if peek(UInt8(ascii: "}")) { return .object(members) }
                return nil
            }
        case UInt8(ascii: "["):
            index += 1
            depth += 1
            defer { depth -= 1 }
            skipSpace()
            if peek(UInt8(ascii: "]")) { return .other }
            while true {
                guard value() != nil else { return nil }
                skipSpace()
                if peek(UInt8(ascii: ",")) { continue }
                if peek(UInt8(ascii: "]")) { return .other }
                return nil
            }
        case UInt8(ascii: "\""):
            return string().map { .string($0) }
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return number()
        default:
            while index < bytes.count, bytes[index] >= UInt8(ascii: "a"), bytes[index] <= UInt8(ascii: "z") {
                index += 1
            }
            return .other
        }
    }

    private mutating func number() -> Value? {
        var negative = false
        if bytes[index] == UInt8(ascii: "-") {
            negative = true
            index += 1
        }
        var value: Int64 = 0
        var digits = 0
        while index < bytes.count, bytes[index] >= 48, bytes[index] <= 57 {
            if digits < 18 { value = value * 10 + Int64(bytes[index] - 48) }
            digits += 1
            index += 1
        }
        guard digits > 0 else { return nil }
        var integral = digits <= 18
        while index < bytes.count, [UInt8(ascii: "."), UInt8(ascii: "e"), UInt8(ascii: "E"), UInt8(ascii: "+"),
            UInt8(ascii: "-")].contains(bytes[index]) || (bytes[index] >= 48 && bytes[index] <= 57)
        {
            integral = false
            index += 1
        }
        return integral ? .number(negative ? -value : value) : .other
    }

    private mutating func string() -> String? {
        guard peek(UInt8(ascii: "\"")) else { return nil }
        var scalars: [UInt8] = []
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if byte == UInt8(ascii: "\"") { return String(decoding: scalars, as: UTF8.self) }
            guard byte == UInt8(ascii: "\\") else {
                scalars.append(byte)
                continue
            }
            guard index < bytes.count else { return nil }
            let escaped = bytes[index]
            index += 1
            switch escaped {
            case UInt8(ascii: "n"): scalars.append(0x0A)
            case UInt8(ascii: "t"): scalars.append(0x09)
            case UInt8(ascii: "r"): scalars.append(0x0D)
            case UInt8(ascii: "b"): scalars.append(0x08)
            case UInt8(ascii: "f"): scalars.append(0x0C)
            case UInt8(ascii: "u"):
                guard index + 4 <= bytes.count, let code = UInt32(hex: bytes[index..<index + 4]) else { return nil }
                index += 4
                // Surrogates and anything unusual become U+FFFD: replies carry ASCII in practice.
                let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
                scalars.append(contentsOf: String(Character(scalar)).utf8)
            default: scalars.append(escaped)
            }
        }
        return nil
    }

    private mutating func peek(_ byte: UInt8) -> Bool {
        guard index < bytes.count, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    private mutating func skipSpace() {
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
    }
}

extension UInt32 {
    /// Parses four hex digits.
    fileprivate init?(hex digits: Slice<UnsafeRawBufferPointer>) {
        var value: UInt32 = 0
        for digit in digits {
            switch digit {
            case 48...57: value = value << 4 | UInt32(digit - 48)
            case 65...70: value = value << 4 | UInt32(digit - 55)
            case 97...102: value = value << 4 | UInt32(digit - 87)
            default: return nil
            }
        }
        self = value
    }
}
