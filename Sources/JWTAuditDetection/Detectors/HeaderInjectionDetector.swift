import JWTAuditModel

/// `header_injection`: a `kid` with path, quote or shell metacharacters; a `jku` or `x5u` outside the
/// allow-list, or (without an allow-list) present where the issuer's accepted tokens never carried one.
final class HeaderInjectionDetector: Detector {
    private var settings: RuleSettings
    /// Per issuer: accepted tokens seen without a URL header, and URLs seen on accepted tokens.
    private var issuers: [String: IssuerHeaders] = [:]
    private let capacity: Int
    /// Accepted tokens without `jku`/`x5u` after which a first URL header is suspicious.
    static let learnedAfter = 20

    private struct IssuerHeaders {
        var withoutURL = 0
        var urls: Set<String> = []
    }

    init(rules: RuleSet, limits: DetectionLimits) {
        settings = rules.settings(.headerInjection)
        capacity = limits.maxKeysPerTable
    }

    func apply(_ rules: RuleSet) { settings = rules.settings(.headerInjection) }
    var keyCount: Int { issuers.count }
    var evictions: Int { 0 }

    func observe(_ event: AuditEvent, _ context: inout DetectionContext) {
        let urls = [event.jwkSetURL, event.x509URL].compactMap { $0 }
        if let kid = event.keyID, Self.hasMetacharacters(kid) {
            report(event, &context, "a kid with path, quote or shell characters")
        }
        guard let issuer = event.issuer else {
            for url in urls where !allowed(url, event) { report(event, &context, "a \(name(url, event)) outside the allow-list") }
            return
        }
        let learned = issuers[issuer]
        for url in urls {
            let parameters = settings.parameters(for: event.service)
            if !parameters.allowedURLPrefixes.isEmpty {
                if !allowed(url, event) { report(event, &context, "a \(name(url, event)) outside the allow-list") }
            } else if let learned, learned.withoutURL >= Self.learnedAfter, !learned.urls.contains(url) {
                report(event, &context, "a \(name(url, event)) where issuer \(issuer) never used one")
            }
        }
        guard event.outcome == .accepted, learned != nil || issuers.count < capacity else { return }
        if urls.isEmpty {
            if (learned?.withoutURL ?? 0) < Self.learnedAfter { issuers[issuer, default: IssuerHeaders()].withoutURL += 1 }
        } else if learned == nil || learned!.withoutURL < Self.learnedAfter {
            // Learn URLs only while the issuer is being learned: an attacker's accepted URL is not
            // taken as normal afterwards.
            for url in urls where (learned?.urls.count ?? 0) < 16 { issuers[issuer, default: IssuerHeaders()].urls.insert(url) }
        }
    }

    private func allowed(_ url: String, _ event: AuditEvent) -> Bool {
        let prefixes = settings.parameters(for: event.service).allowedURLPrefixes
        return prefixes.isEmpty || prefixes.contains { url.hasPrefix($0) }
    }

    private func name(_ url: String, _ event: AuditEvent) -> String {
        url == event.jwkSetURL ? "jku" : "x5u"
    }

    private func report(_ event: AuditEvent, _ context: inout DetectionContext, _ what: String) {
        let parameters = settings.parameters(for: event.service)
        guard parameters.enabled else { return }
        let accepted = event.outcome == .accepted
        context.findings.report(
            .headerInjection, parameters, severity: accepted ? .critical : nil,
            key: AlertKey.of(event, "service", "client_ip"), event: event,
            summary: "token with \(what) presented to \(event.service)" + (accepted ? ", and accepted" : "")
        )
    }

    /// Path separators, `..`, quotes, whitespace, control and shell characters: a `kid` is an opaque id,
    /// and these are what SQL, path and command injections through `kid` need.
    static func hasMetacharacters(_ kid: String) -> Bool {
        var previousDot = false
        for byte in kid.utf8 {
            switch byte {
            case UInt8(ascii: "/"), UInt8(ascii: "\\"), UInt8(ascii: "'"), UInt8(ascii: "\""), UInt8(ascii: "`"),
                UInt8(ascii: ";"), UInt8(ascii: "|"), UInt8(ascii: "&"), UInt8(ascii: "$"), UInt8(ascii: "<"),
                UInt8(ascii: ">"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "{"), UInt8(ascii: "}"),
                UInt8(ascii: "*"), UInt8(ascii: "?"), UInt8(ascii: "%"), UInt8(ascii: " "), 0x7F, 0..<0x20:
                return true
            case UInt8(ascii: "."):
                if previousDot { return true }
                previousDot = true
                continue
            default: break
            }
            previousDot = false
        }
        return false
    }
}
