import JWTAuditModel

/// The external checkpoint file: one ``Checkpoint/jsonLine`` per line, appended and fsynced as
/// each checkpoint is signed. Kept outside the data folder (by default beside it), so that whoever
/// can rewrite the store cannot also quietly rewrite what was already published.
public enum CheckpointFile {
    /// `jwtaudit-checkpoints.ndjson` in the folder that holds the data folder.
    public static func defaultPath(besideDataFolder data: String) -> String {
        var root = data
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        guard let slash = root.lastIndex(of: "/") else { return "jwtaudit-checkpoints.ndjson" }
        let parent = root[..<slash]
        return (parent.isEmpty ? "" : String(parent)) + "/jwtaudit-checkpoints.ndjson"
    }

    /// Appends `checkpoint` as one line and fsyncs the file.
    public static func append(_ checkpoint: Checkpoint, to path: String) throws {
        try FileSystem.appendDurably(path, bytes: Array((checkpoint.jsonLine + "\n").utf8), mode: 0o644)
    }

    /// One line of the file: its 1-based number and what it holds.
    public struct Line: Sendable {
        /// The 1-based line number.
        public var number: Int
        /// The checkpoint, or why the line is not one.
        public var checkpoint: Result<Checkpoint, CheckpointFormatError>
    }

    /// Every non-blank line of the file at `path`.
    public static func read(_ path: String) throws -> [Line] {
        guard FileSystem.exists(path) else { throw IntegrityError("\(path) does not exist") }
        let bytes = try FileSystem.read(path)
        var lines: [Line] = []
        for (index, text) in bytes.split(separator: 0x0A, omittingEmptySubsequences: false).enumerated() {
            if text.allSatisfy({ $0 == 0x20 || $0 == 0x0D || $0 == 0x09 }) { continue }
            let result: Result<Checkpoint, CheckpointFormatError>
            do {
                result = .success(try Checkpoint(line: String(decoding: text, as: UTF8.self)))
            } catch {
                result = .failure(error)
            }
            lines.append(Line(number: index + 1, checkpoint: result))
        }
        return lines
    }
}
