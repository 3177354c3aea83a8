/// Maps the daemon's line numbers (event lines of one connection, 1-based) back to the lines of
/// the files they came from, so that an error names the line a person sees in their editor.
///
/// Stored as runs of consecutive lines: a new run starts only at a new file or after a skipped
/// blank line, so the map stays small for any input.
public struct SourceLineMap: Sendable {
    private struct Run: Sendable {
        var firstWireLine: Int
        var source: Int
        var firstSourceLine: Int
    }

    private var runs: [Run] = []
    /// Lines recorded so far (the last wire line number).
    public private(set) var wireLines = 0

    /// An empty map.
    public init() {}

    /// Records that the next wire line is line `sourceLine` (1-based) of source `source`.
    public mutating func append(source: Int, sourceLine: Int) {
        wireLines += 1
        if let last = runs.last, last.source == source,
            last.firstSourceLine + (wireLines - last.firstWireLine) == sourceLine
        {
            return
        }
        runs.append(Run(firstWireLine: wireLines, source: source, firstSourceLine: sourceLine))
    }

    /// The source and its 1-based line of wire line `wireLine`, or nil if it was never recorded.
    public func locate(wireLine: Int) -> (source: Int, line: Int)? {
        guard wireLine >= 1, wireLine <= wireLines else { return nil }
        var low = 0
        var high = runs.count - 1
        while low < high {
            let middle = (low + high + 1) / 2
            if runs[middle].firstWireLine <= wireLine {
                low = middle
            } else {
                high = middle - 1
            }
        }
        let run = runs[low]
        return (run.source, run.firstSourceLine + wireLine - run.firstWireLine)
    }
}
