import Foundation
import JWTAuditCrypto
import JWTAuditModel

/// What a report's Ed25519 signature covers: the SHA-256 of the signed content, the framework, the
/// period and the store's chain head, with the time and the key id. Embedded in every report
/// (docs/reports.md, "Signature").
public struct ReportSignature: Sendable, Hashable {
    /// `json`, `html`, `csv` (a signed manifest of CSV files) or `bundle` (a signed manifest of a bundle).
    public var format: String
    /// The framework id.
    public var framework: String
    /// Period start (µs).
    public var from: Int64
    /// Period end (µs).
    public var to: Int64
    /// The store's chain head when the report was made.
    public var chainHead: ReportChainHead
    /// SHA-256 (hex) of the signed content.
    public var digest: String
    /// When it was signed (µs).
    public var generatedAt: Int64
    /// ``Ed25519PublicKey/keyID`` of the signing key (the store's checkpoint key).
    public var keyID: String
    /// The Ed25519 signature of ``message``.
    public var value: [UInt8]

    /// The exact bytes signed: nine lines, each ending in a newline.
    ///
    ///     jwtaudit report v1
    ///     format json
    ///     framework pci-dss
    ///     from 2026-11-01T00:00:00Z
    ///     to 2026-12-01T00:00:00Z
    ///     chain_head 629 <64 hex>
    ///     digest <64 hex>
    ///     time 2026-12-01T08:00:00.123456Z
    ///     key <key id>
    public var message: [UInt8] {
        Array(
            """
            jwtaudit report v1
            format \(format)
            framework \(framework)
            from \(Timestamp.format(from))
            to \(Timestamp.format(to))
            chain_head \(chainHead.sequence) \(chainHead.hash)
            digest \(digest)
            time \(Timestamp.format(generatedAt))
            key \(keyID)

            """.utf8)
    }

    /// The signature as one compact JSON object, members in a fixed order (the form embedded).
    public var json: [UInt8] {
        var out: [UInt8] = []
        ReportJSON.raw(#"{"v":1,"algorithm":"ed25519","format":"#, &out)
        ReportJSON.string(format, &out)
        ReportJSON.raw(#","framework":"#, &out)
        ReportJSON.string(framework, &out)
        ReportJSON.raw(#","from":"#, &out)
        ReportJSON.string(Timestamp.format(from), &out)
        ReportJSON.raw(#","to":"#, &out)
        ReportJSON.string(Timestamp.format(to), &out)
        ReportJSON.raw(#","chain_head":{"seq":\#(chainHead.sequence),"hash":"#, &out)
        ReportJSON.string(chainHead.hash, &out)
        ReportJSON.raw(#"},"digest":"#, &out)
        ReportJSON.string(digest, &out)
        ReportJSON.raw(#","time":"#, &out)
        ReportJSON.string(Timestamp.format(generatedAt), &out)
        ReportJSON.raw(#","key_id":"#, &out)
        ReportJSON.string(keyID, &out)
        ReportJSON.raw(#","signature":"#, &out)
        ReportJSON.string(Base64.encode(value), &out)
        ReportJSON.raw("}", &out)
        return out
    }

    /// Reads the object ``json`` writes; nil when it is not one.
    static func parse(_ bytes: [UInt8]) -> ReportSignature? {
        guard let object = (try? JSONSerialization.jsonObject(with: Data(bytes))) as? [String: Any],
            object["v"] as? Int == 1, object["algorithm"] as? String == "ed25519",
            let format = object["format"] as? String, let framework = object["framework"] as? String,
            let from = (object["from"] as? String).flatMap(Timestamp.parseRFC3339),
            let to = (object["to"] as? String).flatMap(Timestamp.parseRFC3339),
            let head = object["chain_head"] as? [String: Any], let sequence = head["seq"] as? Int,
            let hash = head["hash"] as? String, let digest = object["digest"] as? String,
            let time = (object["time"] as? String).flatMap(Timestamp.parseRFC3339),
            let keyID = object["key_id"] as? String,
            let value = (object["signature"] as? String).flatMap(Base64.decode)
        else { return nil }
        return ReportSignature(
            format: format, framework: framework, from: from, to: to,
            chainHead: ReportChainHead(sequence: Int64(sequence), hash: hash), digest: digest, generatedAt: time,
            keyID: keyID, value: value)
    }
}
