/// Encoded event lines not yet acknowledged, in order: what is resent after a reconnect.
///
/// I/O-free bookkeeping of the acknowledged mode. Lines are numbered per connection (line 1 is
/// the first event line after the hello); ``restartConnection()`` rewinds the write position to
/// the oldest unacknowledged line, which becomes line 1 of the new connection, so everything not
/// acknowledged is sent again with its original `seq` (the daemon drops the copies it already
/// stored). `{"ack":N}` settles lines 1...N of the connection.
struct InFlightLines {
    /// Encoded lines; bytes before `byteStart` are settled.
    private var bytes: [UInt8] = []
    private var byteStart = 0
    /// End offset (in `bytes`) and `seq` of each line; entries before `lineStart` are settled.
    private var ends: [Int] = []
    private var sequences: [Int64] = []
    private var lineStart = 0
    /// Lines ever appended before `ends[lineStart]`.
    private var settledLines = 0
    /// Lines ever appended before line 1 of the current connection.
    private var connectionBase = 0
    /// Offset in `bytes` up to which the current connection was written.
    private var writeOffset = 0

    /// Lines waiting for an acknowledgement (sent or not).
    var count: Int { ends.count - lineStart }
    /// Whether nothing is waiting.
    var isEmpty: Bool { count == 0 }
    /// Whether some bytes are not yet written on the current connection.
    var hasUnsent: Bool { writeOffset < bytes.count }

    /// Appends one line: `encode` appends its bytes, ending in `\n`.
    mutating func append(seq: Int64, _ encode: (inout [UInt8]) -> Void) {
        encode(&bytes)
        ends.append(bytes.count)
        sequences.append(seq)
    }

    /// A new connection starts: everything unacknowledged is to be written again. Returns the
    /// number of lines that will be resent.
    mutating func restartConnection() -> Int {
        let resent = ends[lineStart..<ends.count].prefix { $0 <= writeOffset }.count
        writeOffset = byteStart
        connectionBase = settledLines
        return resent
    }

    /// Calls `body` with the bytes not yet written on this connection; `body` returns how many it
    /// wrote.
    mutating func writeUnsent(_ body: (UnsafeRawBufferPointer) throws -> Int) rethrows {
        let written = try bytes.withUnsafeBytes { raw in
            try body(UnsafeRawBufferPointer(rebasing: raw[writeOffset...]))
        }
        writeOffset += written
    }

    /// Handles `{"ack":N}`: settles lines 1...N of the connection. Returns how many lines it settled.
    mutating func acknowledge(_ acknowledged: Int) -> Int {
        let settle = min(connectionBase + acknowledged - settledLines, count)
        guard settle > 0 else { return 0 }
        lineStart += settle
        settledLines += settle
        byteStart = ends[lineStart - 1]
        if lineStart >= 1_024 && lineStart * 2 >= ends.count { compact() }
        return settle
    }

    /// The `seq` of connection line `line` (1-based), if it is still waiting.
    func sequence(ofLine line: Int) -> Int64? {
        let index = connectionBase + line - 1 - settledLines + lineStart
        guard index >= lineStart, index < ends.count else { return nil }
        return sequences[index]
    }

    /// Drops the settled prefix.
    private mutating func compact() {
        bytes.removeSubrange(0..<byteStart)
        ends.removeSubrange(0..<lineStart)
        sequences.removeSubrange(0..<lineStart)
        for index in ends.indices { ends[index] -= byteStart }
        writeOffset -= byteStart
        byteStart = 0
        lineStart = 0
    }
}
