import JWTAuditCrypto

/// Signs report content and embeds the signature so that any changed byte of the file is detected
/// (docs/reports.md, "Signature"):
///
/// - JSON (a report, or the manifest of a CSV report or a bundle): the signed content is the object
///   without its signature; the file is that object with `,"signature":{…}` inserted before its
///   closing brace, and a newline.
/// - HTML: the signed content is the page up to and including its final newline; the file is that
///   page followed by one line `<!-- jwtaudit-signature {…} -->`.
public enum ReportSigner {
    /// What a JSON file's signature member starts with.
    static let jsonMarker = Array(#","signature":{"v":1,"#.utf8)
    /// What an HTML file's signature line starts with.
    static let htmlMarker = Array("<!-- jwtaudit-signature ".utf8)
    static let htmlEnd = Array(" -->\n".utf8)

    /// Signs `content` (a report in `format`) with `key` and returns the signed file and its signature.
    public static func sign(
        _ content: [UInt8], format: String, framework: String, period: ReportPeriod, chainHead: ReportChainHead,
        time: Int64, key: Ed25519PrivateKey
    ) -> (file: [UInt8], signature: ReportSignature) {
        var signature = ReportSignature(
            format: format, framework: framework, from: period.from, to: period.to, chainHead: chainHead,
            digest: Hex.encode(SHA256.hash(content)), generatedAt: time, keyID: key.publicKey.keyID, value: [])
        signature.value = key.signature(for: signature.message)
        return (embed(signature, in: content, html: format == "html"), signature)
    }

    /// The file holding `content` and `signature`.
    static func embed(_ signature: ReportSignature, in content: [UInt8], html: Bool) -> [UInt8] {
        if html { return content + htmlMarker + signature.json + htmlEnd }
        precondition(content.last == UInt8(ascii: "}"), "signed JSON content must be an object")
        return content.dropLast() + Array(#","signature":"#.utf8) + signature.json + Array("}\n".utf8)
    }

    /// Splits a signed file into its content and the embedded signature bytes; nil when it holds none.
    static func split(_ file: [UInt8]) -> (content: [UInt8], signature: [UInt8], html: Bool)? {
        if file.count > htmlEnd.count, Array(file.suffix(htmlEnd.count)) == htmlEnd,
            let start = lastRange(of: htmlMarker, in: file)
        {
            return (Array(file[..<start]), Array(file[(start + htmlMarker.count)..<(file.count - htmlEnd.count)]), true)
        }
        guard file.count > 2, file[file.count - 2] == UInt8(ascii: "}"), file[file.count - 1] == 10,
            let start = lastRange(of: jsonMarker, in: file)
        else { return nil }
        let signatureStart = start + #","signature":"#.utf8.count
        return (Array(file[..<start]) + [UInt8(ascii: "}")], Array(file[signatureStart..<(file.count - 2)]), false)
    }

    private static func lastRange(of needle: [UInt8], in haystack: [UInt8]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        var index = haystack.count - needle.count
        while index >= 0 {
            if haystack[index] == needle[0] && Array(haystack[index..<(index + needle.count)]) == needle { return index }
            index -= 1
        }
        return nil
    }
}
