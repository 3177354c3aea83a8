import JWTAuditModel

/// The alert shape of DESIGN section 3 as one JSON object, the same for `alerts list`, outputs
/// (stdout, webhook, syslog) and the HTTP API.
///
/// `{"id":7,"rule":"brute_force_signature","severity":"high","key":{"client_ip":"203.0.113.9"},
/// "count":31,"first_seen":"…","last_seen":"…","status":"open","assignee":null,"summary":"…",
/// "mitre":["T1110"],"compliance":["pci-dss:10.2.1.4"],"samples":[{…}],"notes":[{…}]}`, plus
/// `"history":[…]` when asked. Times are RFC 3339 UTC with microseconds.
public enum AlertJSON {
    /// The alert as a JSON object, without a trailing newline.
    public static func encode(_ alert: Alert, includeHistory: Bool = false) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1024)
        append(alert, includeHistory: includeHistory, to: &buffer)
        return String(decoding: buffer, as: UTF8.self)
    }

    public static func append(_ alert: Alert, includeHistory: Bool = false, to buffer: inout [UInt8]) {
        var object = ObjectWriter(buffer: buffer)
        object.number("id", alert.id)
        object.string("rule", alert.rule)
        object.string("severity", alert.severity.name)
        object.raw("key", keyObject(alert.key))
        object.number("count", Int64(alert.count))
        object.string("first_seen", Timestamp.format(alert.firstSeen))
        object.string("last_seen", Timestamp.format(alert.lastSeen))
        object.string("status", alert.status.name)
        object.string("assignee", alert.assignee)
        object.string("summary", alert.summary)
        object.strings("mitre", alert.techniques)
        object.strings("compliance", alert.tags)
        object.string("created_at", Timestamp.format(alert.createdAt))
        object.string("updated_at", Timestamp.format(alert.updatedAt))
        object.raw("samples", array(alert.samples.map(sampleObject)))
        object.raw("notes", array(alert.notes.map(noteObject)))
        if includeHistory {
            object.raw("history", array(alert.history.map(changeObject)))
        }
        buffer = object.finish()
    }

    /// The key as an object of its fields, in the rule's order.
    public static func keyObject(_ key: AlertKey) -> [UInt8] {
        var object = ObjectWriter(buffer: [])
        for field in key.fields {
            object.string(field.name, field.value)
        }
        return object.finish()
    }

    /// An event reference with the wire field names of the event it points to.
    public static func sampleObject(_ sample: EventReference) -> [UInt8] {
        var object = ObjectWriter(buffer: [])
        object.string("ts", Timestamp.format(sample.timestamp))
        object.string("received_at", Timestamp.format(sample.receivedAt))
        object.string("service", sample.service)
        object.string("kind", sample.kind.name)
        object.string("outcome", sample.outcome?.name)
        object.string("reason", sample.reason?.name)
        object.string("token_type", sample.tokenType.name)
        object.optionalString("sub", sample.subject)
        object.optionalString("jti", sample.tokenID)
        object.optionalString("client_ip", sample.clientIP)
        object.optionalString("kid", sample.keyID)
        object.optionalString("alg", sample.algorithm)
        object.optionalString("producer", sample.producer)
        if let sequence = sample.sequence { object.number("seq", sequence) }
        return object.finish()
    }

    private static func noteObject(_ note: AlertNote) -> [UInt8] {
        var object = ObjectWriter(buffer: [])
        object.string("author", note.author)
        object.string("at", Timestamp.format(note.at))
        object.string("text", note.text)
        return object.finish()
    }

    private static func changeObject(_ change: AlertChange) -> [UInt8] {
        var object = ObjectWriter(buffer: [])
        object.string("action", change.action)
        object.string("by", change.by)
        object.string("at", Timestamp.format(change.at))
        object.optionalString("from", change.from)
        object.optionalString("to", change.to)
        object.optionalString("note", change.note)
        return object.finish()
    }

    private static func array(_ items: [[UInt8]]) -> [UInt8] {
        var buffer: [UInt8] = [UInt8(ascii: "[")]
        for (index, item) in items.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            buffer.append(contentsOf: item)
        }
        buffer.append(UInt8(ascii: "]"))
        return buffer
    }
}

/// Writes the members of one JSON object; values are escaped with the event encoder's rules.
struct ObjectWriter {
    private var buffer: [UInt8]
    private var first = true

    init(buffer: [UInt8]) {
        self.buffer = buffer
        self.buffer.append(UInt8(ascii: "{"))
    }

    private mutating func name(_ name: String) {
        if !first { buffer.append(UInt8(ascii: ",")) }
        first = false
        EventJSON.appendEscaped(name, to: &buffer)
        buffer.append(UInt8(ascii: ":"))
    }

    /// A string member; `nil` is written as `null`.
    mutating func string(_ key: String, _ value: String?) {
        name(key)
        if let value { EventJSON.appendEscaped(value, to: &buffer) } else { buffer.append(contentsOf: "null".utf8) }
    }

    /// A string member that is left out when `nil`.
    mutating func optionalString(_ key: String, _ value: String?) {
        if let value { string(key, value) }
    }

    mutating func number(_ key: String, _ value: Int64) {
        name(key)
        buffer.append(contentsOf: String(value).utf8)
    }

    mutating func strings(_ key: String, _ values: [String]) {
        name(key)
        buffer.append(UInt8(ascii: "["))
        for (index, value) in values.enumerated() {
            if index > 0 { buffer.append(UInt8(ascii: ",")) }
            EventJSON.appendEscaped(value, to: &buffer)
        }
        buffer.append(UInt8(ascii: "]"))
    }

    mutating func raw(_ key: String, _ json: [UInt8]) {
        name(key)
        buffer.append(contentsOf: json)
    }

    consuming func finish() -> [UInt8] {
        buffer.append(UInt8(ascii: "}"))
        return buffer
    }
}
