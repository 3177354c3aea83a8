/// Streams NDJSON input into wire lines: drops blank lines (empty or only spaces, tabs and
/// `\r`), strips a `\r` before `\n`, ends a last line that lacks its `\n`, and records each line
/// it passes on in a ``SourceLineMap``.
///
/// Works on chunks of any size; a line may span chunks. Content is copied through as it comes,
/// so a line of any length costs no extra memory here (the daemon answers `line_too_long`).
struct BlankLineFilter {
    /// The source index recorded in the map.
    let source: Int
    /// The 1-based number of the line being read.
    private(set) var sourceLine = 1
    /// Whitespace at the start of the current line, held until the line proves non-blank.
    private var pendingBlank: [UInt8] = []
    /// Whether the current line has content (and was recorded).
    private var inContent = false
    /// A `\r` held back in case a `\n` follows.
    private var pendingCarriageReturn = false

    init(source: Int) {
        self.source = source
    }

    /// Filters `chunk`, appending wire bytes to `output` and recording lines in `map`.
    mutating func process(_ chunk: UnsafeRawBufferPointer, into output: inout [UInt8], map: inout SourceLineMap) {
        var runStart = 0
        var index = 0
        let count = chunk.count
        while index < count {
            let byte = chunk[index]
            if inContent {
                if byte == UInt8(ascii: "\n") {
                    output.append(contentsOf: chunk[runStart..<index])
                    output.append(UInt8(ascii: "\n"))
                    pendingCarriageReturn = false
                    endLine()
                    runStart = index + 1
                } else if byte == UInt8(ascii: "\r") {
                    // Copy what came before; hold the \r until we see what follows it.
                    output.append(contentsOf: chunk[runStart..<index])
                    if pendingCarriageReturn { output.append(UInt8(ascii: "\r")) }
                    pendingCarriageReturn = true
                    runStart = index + 1
                } else if pendingCarriageReturn {
                    output.append(UInt8(ascii: "\r"))
                    pendingCarriageReturn = false
                }
            } else {
                switch byte {
                case UInt8(ascii: "\n"):
                    pendingBlank.removeAll(keepingCapacity: true)
                    endLine()
                case UInt8(ascii: " "), UInt8(ascii: "\t"), UInt8(ascii: "\r"):
                    pendingBlank.append(byte)
                default:
                    // The line has content: record it and pass on what was held.
                    inContent = true
                    map.append(source: source, sourceLine: sourceLine)
                    output.append(contentsOf: pendingBlank)
                    pendingBlank.removeAll(keepingCapacity: true)
                    runStart = index
                }
            }
            index += 1
        }
        if inContent && runStart < count {
            output.append(contentsOf: chunk[runStart..<count])
        }
    }

    /// Ends the input: a last line without `\n` gets one.
    mutating func finish(into output: inout [UInt8]) {
        if inContent {
            output.append(UInt8(ascii: "\n"))
            pendingCarriageReturn = false
            endLine()
        }
        pendingBlank.removeAll()
    }

    private mutating func endLine() {
        inContent = false
        sourceLine += 1
    }
}
