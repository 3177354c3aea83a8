import Yams

/// The YAML tree of a rules file, composed by Yams, with repeated mapping keys kept for the reader to report.
///
/// Yams refuses a mapping with a repeated key and stops there, which would hide every other problem of
/// the file. So each refused key is renamed in the text to a placeholder that the file cannot contain and
/// the text is composed again; the reader maps placeholders back to their keys and reports each repeat
/// at its own line.
struct RulesDocument {
    /// The document's root; `nil` for an empty file.
    var root: Node?
    /// Placeholder key → the key it stands for.
    var renamedKeys: [String: String]

    /// A file that is not YAML: where and why.
    struct Failure: Error {
        var line: Int?
        var message: String
    }

    /// At most this many repeated keys are renamed; more are reported as one problem.
    static let maximumRenames = 200

    /// Composes `text`, renaming repeated keys.
    static func compose(_ text: String) -> Result<RulesDocument, Failure> {
        var text = text
        var renamed: [String: String] = [:]
        var stem = "jwtaudit-repeated-key-"
        while text.contains(stem) { stem += "x-" }
        while true {
            do {
                return .success(RulesDocument(root: try Yams.compose(yaml: text), renamedKeys: renamed))
            } catch YamlError.duplicatedKeysInMapping(let duplicates, let context) {
                let key = duplicates.first ?? ""
                let placeholder = "\(stem)\(renamed.count)"
                guard renamed.count < maximumRenames,
                    let changed = replace(key, at: context.mark, with: placeholder, in: text)
                else {
                    return .failure(Failure(line: context.mark.line, message: "repeated key \"\(key)\""))
                }
                renamed[placeholder] = key
                text = changed
            } catch {
                return .failure(failure(error, text: text))
            }
        }
    }

    /// `text` with the key written at `mark` (plain or quoted without escapes) replaced by `placeholder`;
    /// `nil` when the key is written in a way this does not follow.
    static func replace(_ key: String, at mark: Mark, with placeholder: String, in text: String) -> String? {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard mark.line >= 1, mark.line <= lines.count, mark.column >= 1 else { return nil }
        let line = lines[mark.line - 1].unicodeScalars
        guard mark.column - 1 <= line.count else { return nil }
        let start = line.index(line.startIndex, offsetBy: mark.column - 1)
        let rest = String(line[start...])
        let head = String(line[..<start])
        for quote in ["", "\"", "'"] {
            let written = quote + key + quote
            if rest.hasPrefix(written), !key.isEmpty {
                lines[mark.line - 1] = head + quote + placeholder + quote + rest.dropFirst(written.count)
                return lines.joined(separator: "\n")
            }
        }
        return nil
    }

    /// A Yams error as a line and a message (never the file's text, which Yams puts in some contexts).
    static func failure(_ error: any Error, text: String) -> Failure {
        guard let error = error as? YamlError else { return Failure(line: nil, message: "invalid YAML") }
        func detail(_ problem: String, _ context: YamlError.Context?) -> String {
            guard let context, !context.text.isEmpty, context.text.count < 100 else { return problem }
            return "\(problem) (\(context.text) at line \(context.mark.line))"
        }
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
            .composer(let context, let problem, let mark, _):
            return Failure(line: mark.line, message: "invalid YAML: \(detail(problem, context))")
        case .reader(let problem, let offset, _, _):
            let line = offset.map { offset in 1 + text.utf8.prefix(max(0, offset)).count { $0 == UInt8(ascii: "\n") } }
            return Failure(line: line, message: "invalid YAML: \(problem)")
        default:
            return Failure(line: nil, message: "invalid YAML")
        }
    }
}
