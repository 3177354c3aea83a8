import JWTAuditModel

/// The lines the daemon writes back in acknowledged mode (DESIGN section 2).
enum WireReply {
    static func hello(maxLine: Int) -> [UInt8] {
        Array("{\"hello\":{\"version\":1,\"max_line\":\(maxLine)}}\n".utf8)
    }

    static func ack(_ lines: Int64) -> [UInt8] {
        Array("{\"ack\":\(lines)}\n".utf8)
    }

    static func error(line: Int64, _ rejection: EventRejection) -> [UInt8] {
        var out = Array("{\"error\":{\"line\":\(line),\"code\":\"\(rejection.code.rawValue)\"".utf8)
        if let field = rejection.field {
            out.append(contentsOf: ",\"field\":".utf8)
            EventJSON.appendEscaped(field, to: &out)
        }
        out.append(contentsOf: ",\"message\":".utf8)
        EventJSON.appendEscaped(rejection.message, to: &out)
        out.append(contentsOf: "}}\n".utf8)
        return out
    }

    /// An error about the whole connection (line 0), written just before the daemon closes it.
    static func connectionError(_ code: ConnectionErrorCode, _ message: String) -> [UInt8] {
        var out = Array("{\"error\":{\"line\":0,\"code\":\"\(code.rawValue)\",\"message\":".utf8)
        EventJSON.appendEscaped(message, to: &out)
        out.append(contentsOf: "}}\n".utf8)
        return out
    }
}
