/// A range of bytes in a ``StringTable``: a plain value, so the generator copies strings without
/// reference counting.
struct Span: Sendable, Hashable {
    var start: Int32
    var count: Int32
}

/// Every string the generator emits, stored once as quoted JSON bytes in one array.
struct StringTable: Sendable {
    private(set) var bytes: [UInt8] = []

    /// Adds `text` as a quoted JSON string and returns where it is.
    mutating func add(_ text: String) -> Span {
        var writer = ByteWriter(capacity: text.utf8.count + 2)
        writer.appendJSONString(text)
        return add(quoted: writer.bytes)
    }

    /// Adds bytes that already are a JSON value and returns where they are.
    mutating func add(quoted value: [UInt8]) -> Span {
        let start = bytes.count
        bytes.append(contentsOf: value)
        return Span(start: Int32(start), count: Int32(value.count))
    }

    /// The text of a span (without JSON unescaping; for tests and diagnostics).
    func text(_ span: Span) -> String {
        String(decoding: bytes[Int(span.start)..<Int(span.start + span.count)], as: UTF8.self)
    }
}
