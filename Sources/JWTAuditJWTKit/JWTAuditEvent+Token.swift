import JWTAuditClient

#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

extension JWTAuditEvent {
    /// An event about a verification attempt of `token`: header and claims are read without
    /// checking the signature (they are what the service was shown, trusted or not), and the token
    /// is kept in the event only when `detail` is ``TokenDetail/rawToken``.
    ///
    /// The outcome is left empty: set it with ``recordSuccess()`` or ``recordFailure(_:)``.
    public init(verifying token: String, detail: TokenDetail = .decodedFields) {
        self.init()
        fillFields(fromToken: token)
        if detail == .rawToken { self.token = token }
    }

    /// Fills the header and claim fields this event lacks from `token` (not verified). A part
    /// that cannot be decoded leaves its fields empty. Values longer than 1,024 bytes are cut.
    public mutating func fillFields(fromToken token: String) {
        let parts = token.utf8.split(separator: UInt8(ascii: "."), maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count >= 2 else { return }
        let decoder = JSONDecoder()
        if let data = Self.base64URLDecode(parts[0]), let header = try? decoder.decode(HeaderFields.self, from: data) {
            alg = alg ?? header.alg.map(Self.clip)
            kid = kid ?? header.kid.map(Self.clip)
            typ = typ ?? header.typ.map(Self.clip)
            jku = jku ?? header.jku.map(Self.clip)
            x5u = x5u ?? header.x5u.map(Self.clip)
        }
        if let data = Self.base64URLDecode(parts[1]), let claims = try? decoder.decode(ClaimFields.self, from: data) {
            iss = iss ?? claims.iss.map(Self.clip)
            sub = sub ?? claims.sub.map(Self.clip)
            jti = jti ?? claims.jti.map(Self.clip)
            scope = scope ?? claims.scope.map(Self.clip)
            clientID = clientID ?? claims.clientID.map(Self.clip)
            tenant = tenant ?? claims.tenant.map(Self.clip)
            aud = aud ?? claims.aud.map { $0.prefix(16).map(Self.clip) }
            exp = exp ?? claims.exp
            iat = iat ?? claims.iat
            nbf = nbf ?? claims.nbf
        }
    }

    /// Marks the attempt accepted.
    public mutating func recordSuccess() {
        outcome = .accepted
        reason = nil
    }

    /// Marks the attempt rejected, with the reason `error` maps to (see ``JWTKitReasons``).
    public mutating func recordFailure(_ error: any Error) {
        outcome = .rejected
        reason = JWTKitReasons.reason(for: error)
    }

    private static func clip(_ value: String) -> String {
        guard value.utf8.count > 1_024 else { return value }
        return String(decoding: value.utf8.prefix(1_024), as: UTF8.self)
    }

    private static func base64URLDecode(_ part: Substring.UTF8View.SubSequence) -> Data? {
        guard part.count <= 65_536 else { return nil }
        var bytes = part.map { byte -> UInt8 in
            switch byte {
            case UInt8(ascii: "-"): UInt8(ascii: "+")
            case UInt8(ascii: "_"): UInt8(ascii: "/")
            default: byte
            }
        }
        while bytes.count % 4 != 0 { bytes.append(UInt8(ascii: "=")) }
        return Data(base64Encoded: Data(bytes))
    }
}

/// The header fields an event carries.
private struct HeaderFields: Decodable {
    var alg, kid, typ, jku, x5u: String?

    private enum Key: String, CodingKey { case alg, kid, typ, jku, x5u }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        alg = try? container.decodeIfPresent(String.self, forKey: .alg)
        kid = try? container.decodeIfPresent(String.self, forKey: .kid)
        typ = try? container.decodeIfPresent(String.self, forKey: .typ)
        jku = try? container.decodeIfPresent(String.self, forKey: .jku)
        x5u = try? container.decodeIfPresent(String.self, forKey: .x5u)
    }
}

/// The claims an event carries; each is read on its own, so one odd claim spoils nothing else.
private struct ClaimFields: Decodable {
    var iss, sub, jti, scope, clientID, tenant: String?
    var aud: [String]?
    var exp, iat, nbf: Int64?

    private enum Key: String, CodingKey {
        case iss, sub, jti, scope, tenant, aud, exp, iat, nbf
        case clientID = "client_id"
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: Key.self)
        iss = try? container.decodeIfPresent(String.self, forKey: .iss)
        sub = try? container.decodeIfPresent(String.self, forKey: .sub)
        jti = try? container.decodeIfPresent(String.self, forKey: .jti)
        scope = try? container.decodeIfPresent(String.self, forKey: .scope)
        clientID = try? container.decodeIfPresent(String.self, forKey: .clientID)
        tenant = try? container.decodeIfPresent(String.self, forKey: .tenant)
        if let single = try? container.decodeIfPresent(String.self, forKey: .aud) {
            aud = [single]
        } else {
            aud = try? container.decodeIfPresent([String].self, forKey: .aud)
        }
        exp = Self.seconds(container, .exp)
        iat = Self.seconds(container, .iat)
        nbf = Self.seconds(container, .nbf)
    }

    /// A NumericDate (whole or fractional seconds), cut to whole seconds.
    private static func seconds(_ container: KeyedDecodingContainer<Key>, _ key: Key) -> Int64? {
        guard let value = try? container.decodeIfPresent(Double.self, forKey: key), value.isFinite,
            abs(value) < 1e15
        else { return nil }
        return Int64(value.rounded(.down))
    }
}
