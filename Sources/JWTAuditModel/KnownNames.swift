/// Up to 24 bytes of a key or name packed into three little-endian words, so that matching a
/// key against the known names is a switch on its length and integer constants instead of a
/// dictionary lookup or a string comparison.
///
/// The constants in the tables below are the names' bytes read as little-endian `UInt64`s
/// ("ts" is `0x7374`: `t` = 0x74 in the low byte). The tests check every name against its case.
struct PackedKey {
    /// The name's byte count (names longer than 24 bytes never match).
    var length: Int
    var w0: UInt64 = 0
    var w1: UInt64 = 0
    var w2: UInt64 = 0

    /// A key of `length` bytes whose words the caller fills.
    @inline(__always)
    init(length: Int) {
        self.length = length
    }

    @inline(__always)
    init(_ bytes: UnsafePointer<UInt8>?, count: Int) {
        length = count
        guard count <= 24, let bytes else { return }
        var index = 0
        var shift: UInt64 = 0
        while index < count {
            let byte = UInt64(bytes[index])
            switch index >> 3 {
            case 0: w0 |= byte << shift
            case 1: w1 |= byte << shift
            default: w2 |= byte << shift
            }
            index += 1
            shift = (shift + 8) & 63
        }
    }

    /// Packs `count` (≤ 24) bytes at `bytes`, reading 24 bytes: the caller guarantees they are
    /// readable.
    @inline(__always)
    init(loading bytes: UnsafePointer<UInt8>, count: Int) {
        length = count
        let raw = UnsafeRawPointer(bytes)
        let first = raw.loadUnaligned(as: UInt64.self)
        let second = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
        let third = raw.loadUnaligned(fromByteOffset: 16, as: UInt64.self)
        w0 = first & Self.mask(count)
        w1 = second & Self.mask(count - 8)
        w2 = third & Self.mask(count - 16)
    }

    /// A mask keeping the low `count` bytes of a word (all for 8 or more, none for 0 or less).
    @inline(__always)
    private static func mask(_ count: Int) -> UInt64 {
        if count >= 8 { return ~0 }
        if count <= 0 { return 0 }
        return (1 << UInt64(count &* 8)) &- 1
    }

    init(_ name: String) {
        var name = name
        self = name.withUTF8 { PackedKey($0.baseAddress, count: $0.count) }
    }
}

/// The top-level fields of an event line (schema version 1), plus the names shared by a token's
/// header and claims.
enum EventField: UInt8, CaseIterable {
    case v, ts, service, kind, outcome, reason, tokenType, iss, sub, jti, alg, kid, typ, scope
    case clientID, tenant, aud, exp, iat, nbf, clientIP, userAgent, family, parentJTI, latencyUS
    case jku, x5u, seq, token, tokenFP, attrs

    /// The wire name.
    var name: String {
        switch self {
        case .v: "v"
        case .ts: "ts"
        case .service: "service"
        case .kind: "kind"
        case .outcome: "outcome"
        case .reason: "reason"
        case .tokenType: "token_type"
        case .iss: "iss"
        case .sub: "sub"
        case .jti: "jti"
        case .alg: "alg"
        case .kid: "kid"
        case .typ: "typ"
        case .scope: "scope"
        case .clientID: "client_id"
        case .tenant: "tenant"
        case .aud: "aud"
        case .exp: "exp"
        case .iat: "iat"
        case .nbf: "nbf"
        case .clientIP: "client_ip"
        case .userAgent: "user_agent"
        case .family: "family"
        case .parentJTI: "parent_jti"
        case .latencyUS: "latency_us"
        case .jku: "jku"
        case .x5u: "x5u"
        case .seq: "seq"
        case .token: "token"
        case .tokenFP: "token_fp"
        case .attrs: "attrs"
        }
    }

    /// This field's bit in a set of seen fields.
    @inline(__always)
    var bit: UInt64 { 1 << UInt64(rawValue) }
}

/// The keys of the `hello` object.
enum HelloField: CaseIterable {
    case version, ack, client
}

/// Name lookups for keys and enumerated values.
enum KnownNames {
    @inline(__always)
    static func field(_ key: PackedKey) -> EventField? {
        switch key.length {
        case 1:
            switch key.w0 {
            case 0x76: return .v  // "v"
            default: return nil
            }
        case 2:
            switch key.w0 {
            case 0x7374: return .ts  // "ts"
            default: return nil
            }
        case 3:
            switch key.w0 {
            case 0x737369: return .iss  // "iss"
            case 0x627573: return .sub  // "sub"
            case 0x69746a: return .jti  // "jti"
            case 0x676c61: return .alg  // "alg"
            case 0x64696b: return .kid  // "kid"
            case 0x707974: return .typ  // "typ"
            case 0x647561: return .aud  // "aud"
            case 0x707865: return .exp  // "exp"
            case 0x746169: return .iat  // "iat"
            case 0x66626e: return .nbf  // "nbf"
            case 0x756b6a: return .jku  // "jku"
            case 0x753578: return .x5u  // "x5u"
            case 0x716573: return .seq  // "seq"
            default: return nil
            }
        case 4:
            switch key.w0 {
            case 0x646e_696b: return .kind  // "kind"
            default: return nil
            }
        case 5:
            switch key.w0 {
            case 0x65_706f_6373: return .scope  // "scope"
            case 0x6e_656b_6f74: return .token  // "token"
            case 0x73_7274_7461: return .attrs  // "attrs"
            default: return nil
            }
        case 6:
            switch key.w0 {
            case 0x6e6f_7361_6572: return .reason  // "reason"
            case 0x746e_616e_6574: return .tenant  // "tenant"
            case 0x796c_696d_6166: return .family  // "family"
            default: return nil
            }
        case 7:
            switch key.w0 {
            case 0x65_6369_7672_6573: return .service  // "service"
            case 0x65_6d6f_6374_756f: return .outcome  // "outcome"
            default: return nil
            }
        case 8:
            switch key.w0 {
            case 0x7066_5f6e_656b_6f74: return .tokenFP  // "token_fp"
            default: return nil
            }
        case 9:
            switch (key.w0, key.w1) {
            case (0x695f_746e_6569_6c63, 0x64): return .clientID  // "client_id"
            case (0x695f_746e_6569_6c63, 0x70): return .clientIP  // "client_ip"
            default: return nil
            }
        case 10:
            switch (key.w0, key.w1) {
            case (0x7974_5f6e_656b_6f74, 0x6570): return .tokenType  // "token_type"
            case (0x6567_615f_7265_7375, 0x746e): return .userAgent  // "user_agent"
            case (0x6a5f_746e_6572_6170, 0x6974): return .parentJTI  // "parent_jti"
            case (0x5f79_636e_6574_616c, 0x7375): return .latencyUS  // "latency_us"
            default: return nil
            }
        default: return nil
        }
    }

    @inline(__always)
    static func kind(_ key: PackedKey) -> EventKind? {
        switch key.length {
        case 5:
            switch key.w0 {
            case 0x65_7573_7369: return .issue  // "issue"
            default: return nil
            }
        case 6:
            switch key.w0 {
            case 0x6574_6174_6f72: return .rotate  // "rotate"
            case 0x656b_6f76_6572: return .revoke  // "revoke"
            default: return nil
            }
        case 8:
            switch key.w0 {
            case 0x6574_6164_696c_6176: return .validate  // "validate"
            default: return nil
            }
        default: return nil
        }
    }

    @inline(__always)
    static func outcome(_ key: PackedKey) -> Outcome? {
        switch key.length {
        case 8:
            switch key.w0 {
            case 0x6465_7470_6563_6361: return .accepted  // "accepted"
            case 0x6465_7463_656a_6572: return .rejected  // "rejected"
            default: return nil
            }
        default: return nil
        }
    }

    @inline(__always)
    static func tokenType(_ key: PackedKey) -> TokenType? {
        switch key.length {
        case 2:
            switch key.w0 {
            case 0x6469: return .id  // "id"
            default: return nil
            }
        case 6:
            switch key.w0 {
            case 0x7373_6563_6361: return .access  // "access"
            default: return nil
            }
        case 7:
            switch key.w0 {
            case 0x68_7365_7266_6572: return .refresh  // "refresh"
            default: return nil
            }
        default: return nil
        }
    }

    @inline(__always)
    static func reason(_ key: PackedKey) -> Reason? {
        switch key.length {
        case 5:
            switch key.w0 {
            case 0x72_6568_746f: return .other  // "other"
            default: return nil
            }
        case 7:
            switch key.w0 {
            case 0x64_6572_6970_7865: return .expired  // "expired"
            case 0x64_656b_6f76_6572: return .revoked  // "revoked"
            default: return nil
            }
        case 8:
            switch key.w0 {
            case 0x656e_6f6e_5f67_6c61: return .algNone  // "alg_none"
            case 0x6465_7961_6c70_6572: return .replayed  // "replayed"
            default: return nil
            }
        case 9:
            switch (key.w0, key.w1) {
            case (0x656d_726f_666c_616d, 0x64): return .malformed  // "malformed"
            default: return nil
            }
        case 11:
            switch (key.w0, key.w1) {
            case (0x6e6b_6e75_5f79_656b, 0x6e776f): return .keyUnknown  // "key_unknown"
            default: return nil
            }
        case 13:
            switch (key.w0, key.w1) {
            case (0x5f74_6579_5f74_6f6e, 0x64_696c_6176): return .notYetValid  // "not_yet_valid"
            case (0x6e67_6973_5f64_6162, 0x65_7275_7461): return .badSignature  // "bad_signature"
            default: return nil
            }
        case 14:
            switch (key.w0, key.w1) {
            case (0x695f_736d_6961_6c63, 0x6469_6c61_766e): return .claimsInvalid  // "claims_invalid"
            default: return nil
            }
        case 15:
            switch (key.w0, key.w1) {
            case (0x5f74_6f6e_5f67_6c61, 0x64_6577_6f6c_6c61): return .algNotAllowed  // "alg_not_allowed"
            case (0x6d5f_7265_7573_7369, 0x68_6374_616d_7369): return .issuerMismatch  // "issuer_mismatch"
            default: return nil
            }
        case 17:
            switch (key.w0, key.w1, key.w2) {
            case (0x6563_6e65_6964_7561, 0x6374_616d_7369_6d5f, 0x68): return .audienceMismatch  // "audience_mismatch"
            default: return nil
            }
        default: return nil
        }
    }

    @inline(__always)
    static func helloField(_ key: PackedKey) -> HelloField? {
        switch key.length {
        case 3:
            switch key.w0 {
            case 0x6b6361: return .ack  // "ack"
            default: return nil
            }
        case 6:
            switch key.w0 {
            case 0x746e_6569_6c63: return .client  // "client"
            default: return nil
            }
        case 7:
            switch key.w0 {
            case 0x6e_6f69_7372_6576: return .version  // "version"
            default: return nil
            }
        default: return nil
        }
    }
}
