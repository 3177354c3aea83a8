/// What the first line of a connection is: a hello asking for acknowledged mode, a broken
/// hello, or an ordinary event line.
public enum HelloParse: Sendable, Hashable {
    /// Not a hello: decode the line as an event.
    case notHello
    /// A valid hello.
    case hello(HelloRequest)
    /// A line of the shape `{"hello": …}` whose content is wrong (answer the error).
    case invalid(EventRejection)

    /// Reads a connection's first line, as `HelloRequest.parse` does.
    public static func parse(_ line: UnsafeRawBufferPointer) -> HelloParse {
        HelloRequest.parse(line)
    }
}

/// The hello of acknowledged mode (DESIGN section 2):
/// `{"hello":{"version":1,"ack":true,"client":"NAME"}}`.
public struct HelloRequest: Sendable, Hashable {
    /// The protocol version the client speaks; only 1 is accepted.
    public var version: Int
    /// Whether the client wants acks and error answers (`ack`, default false).
    public var acknowledged: Bool
    /// The client's name (1–128 bytes, no control characters), used to drop resent duplicates.
    public var client: String?

    /// Creates a hello.
    public init(version: Int = 1, acknowledged: Bool = false, client: String? = nil) {
        self.version = version
        self.acknowledged = acknowledged
        self.client = client
    }

    /// Longest accepted `client` name in bytes.
    public static let maxClientBytes = 128

    /// Reads a line: a JSON object whose only key is `hello` is a hello (valid or not); any other
    /// line, including one that is not JSON at all, is ``HelloParse/notHello``.
    ///
    /// Inside `hello`: `version` is required and must be the integer 1 (another integer is
    /// `unsupported_version`); `ack` is a boolean; `client` a string or `null`; other keys are
    /// ignored, so later clients can add some; a repeated key is `invalid_json`. Errors name the
    /// field as `hello.version`, `hello.ack` or `hello.client`.
    public static func parse(_ line: UnsafeRawBufferPointer) -> HelloParse {
        guard let base = line.baseAddress?.assumingMemoryBound(to: UInt8.self), !line.isEmpty,
            UTF8Validation.firstInvalidByte(base, count: line.count) == nil
        else { return .notHello }
        var scanner = JSONScanner(base: base, count: line.count)
        do throws(EventRejection) {
            scanner.skipWhitespace()
            guard scanner.current == UInt8(ascii: "{") else { return .notHello }
            scanner.position += 1
            scanner.skipWhitespace()
            guard scanner.current == UInt8(ascii: "\"") else { return .notHello }
            let key = try scanner.scanString()
            let packed = scanner.packedKey(key)
            guard packed.length == 5, packed.w0 == 0x6f_6c6c_6568 else { return .notHello }  // "hello"
            try scanner.expect(UInt8(ascii: ":"), "':'")
            scanner.skipWhitespace()
            guard !scanner.isAtEnd else { return .notHello }
            let result = try helloValue(&scanner)
            try scanner.expect(UInt8(ascii: "}"), "'}'")
            scanner.skipWhitespace()
            guard scanner.isAtEnd else { return .notHello }
            return result
        } catch {
            return .notHello
        }
    }

    /// Reads a line given as a String; see the byte-buffer overload.
    public static func parse(_ line: String) -> HelloParse {
        var line = line
        return line.withUTF8 { parse(UnsafeRawBufferPointer($0)) }
    }

    /// The value of `hello`. Throws only on JSON syntax errors (which make the line not a hello).
    private static func helloValue(_ scanner: inout JSONScanner) throws(EventRejection) -> HelloParse {
        guard scanner.current == UInt8(ascii: "{") else {
            try scanner.skipValue()
            return .invalid(EventRejection(.invalidField, field: "hello", "hello must be an object"))
        }
        scanner.position += 1
        var version: JSONNumberToken?
        var versionIsNumber = true
        var acknowledged: Bool?
        var ackIsBool = true
        var client: String?
        var clientProblem: String?
        var duplicate: String?
        var seenVersion = false
        var seenAck = false
        var seenClient = false
        scanner.skipWhitespace()
        if scanner.current == UInt8(ascii: "}") {
            scanner.position += 1
        } else {
            while true {
                guard scanner.current == UInt8(ascii: "\"") else { throw scanner.unexpected(expecting: "a key") }
                let key = try scanner.scanString()
                try scanner.expect(UInt8(ascii: ":"), "':'")
                scanner.skipWhitespace()
                guard let first = scanner.current else { throw scanner.unexpected(expecting: "a value") }
                switch KnownNames.helloField(scanner.packedKey(key)) {
                case .version:
                    if seenVersion { duplicate = duplicate ?? "hello.version" }
                    seenVersion = true
                    if first == UInt8(ascii: "-") || first &- UInt8(ascii: "0") < 10 {
                        version = try scanner.scanNumber()
                    } else if scanner.consumeNull() {
                        version = nil
                    } else {
                        try scanner.skipValue()
                        versionIsNumber = false
                    }
                case .ack:
                    if seenAck { duplicate = duplicate ?? "hello.ack" }
                    seenAck = true
                    if first == UInt8(ascii: "t") || first == UInt8(ascii: "f") {
                        acknowledged = try scanner.scanLiteral() == UInt8(ascii: "t")
                    } else if !scanner.consumeNull() {
                        try scanner.skipValue()
                        ackIsBool = false
                    }
                case .client:
                    if seenClient { duplicate = duplicate ?? "hello.client" }
                    seenClient = true
                    if first == UInt8(ascii: "\"") {
                        let token = try scanner.scanString()
                        let problem = scanner.withContent(token) { clientNameProblem($0) }
                        if let problem { clientProblem = problem } else { client = scanner.string(token) }
                    } else if !scanner.consumeNull() {
                        try scanner.skipValue()
                        clientProblem = "hello.client must be a string"
                    }
                case nil:
                    try scanner.skipValue()
                }
                if try scanner.finishMember() { continue }
                break
            }
        }
        if let duplicate { return .invalid(EventRejection(.invalidJSON, field: duplicate, "duplicate key")) }
        guard versionIsNumber else {
            return .invalid(EventRejection(.invalidField, field: "hello.version", "hello.version must be an integer"))
        }
        guard let version else {
            return .invalid(EventRejection(.missingField, field: "hello.version", "hello.version is required"))
        }
        guard version.isInteger else {
            return .invalid(EventRejection(.invalidField, field: "hello.version", "hello.version must be an integer"))
        }
        guard version.int64 == 1 else {
            return .invalid(
                EventRejection(.unsupportedVersion, field: "hello.version", "only protocol version 1 is supported"))
        }
        guard ackIsBool else {
            return .invalid(EventRejection(.invalidField, field: "hello.ack", "hello.ack must be a boolean"))
        }
        if let clientProblem { return .invalid(EventRejection(.invalidField, field: "hello.client", clientProblem)) }
        return .hello(HelloRequest(version: 1, acknowledged: acknowledged ?? false, client: client))
    }

    private static func clientNameProblem(_ bytes: UnsafeRawBufferPointer) -> String? {
        guard !bytes.isEmpty, bytes.count <= maxClientBytes else {
            return "hello.client must be 1 to \(maxClientBytes) bytes"
        }
        var previous: UInt8 = 0
        for byte in bytes {
            if byte < 0x20 || byte == 0x7F || (previous == 0xC2 && byte >= 0x80 && byte < 0xA0) {
                return "hello.client must not contain control characters"
            }
            previous = byte
        }
        return nil
    }
}
