import JWTAuditModel

/// The segments of a format-1 block payload, in the order they are stored.
///
/// Scalar segments come first, then one code segment per string column, then one dictionary
/// segment per string column (the random-looking dictionary text last, so the small codes share
/// zlib's Huffman tables with each other).
enum ScalarSegment: Int, CaseIterable {
    case timestamp, kind, outcome, reason, tokenType, presence, claimsCarried
    case latency, sequence, issuedAt, expiresAt, notBefore, receivedAt
    case peerUID, peerGID, peerPID
    case audienceShape, audienceCount, attributeCount
}

/// The string columns of a format-1 block, each dictionary-encoded.
enum StringColumn: Int, CaseIterable {
    case service, producer, tokenID
    case issuer, subject, clientID, scope, tenant, algorithm, keyID, type, clientIP, userAgent
    case family, parentTokenID, jwkSetURL, x509URL, tokenFingerprint
    case audience, attributeKey, attributeValue

    /// Columns of opaque identifiers (random or structured ids, not words): their dictionaries are
    /// stored transposed by length (see `BlockEncoder.dictionary`), which suits identifiers and
    /// hurts text.
    var holdsIdentifiers: Bool {
        switch self {
        case .subject, .tokenID, .parentTokenID, .family, .tokenFingerprint: true
        default: false
        }
    }

    typealias Setter = @Sendable (inout AuditEvent, String) -> Void

    /// The per-token string columns, in the order they are encoded, with their setters (the
    /// encoder reads them in `BlockEncoder.internClaim`).
    ///
    /// An event whose `jti` appeared earlier in the block refers to that earlier event. An event
    /// without one refers instead to the previous event with the same value in the `fallback`
    /// column (decoded before it): an issuer keeps its `alg`, `kid` and `typ`, a subject its
    /// tenant and client, a client its scope, an address its user agent.
    static let claims: [(column: StringColumn, fallback: StringColumn?, set: Setter)] = [
        (.issuer, nil, { $0.issuer = $1 }),
        (.subject, nil, { $0.subject = $1 }),
        (.clientID, .subject, { $0.clientID = $1 }),
        (.scope, .clientID, { $0.scope = $1 }),
        (.tenant, .subject, { $0.tenant = $1 }),
        (.algorithm, .issuer, { $0.algorithm = $1 }),
        (.keyID, .issuer, { $0.keyID = $1 }),
        (.type, .issuer, { $0.type = $1 }),
        (.clientIP, nil, { $0.clientIP = $1 }),
        (.userAgent, .clientIP, { $0.userAgent = $1 }),
        (.family, .subject, { $0.family = $1 }),
        (.parentTokenID, nil, { $0.parentTokenID = $1 }),
        (.jwkSetURL, .issuer, { $0.jwkSetURL = $1 }),
        (.x509URL, .issuer, { $0.x509URL = $1 }),
        (.tokenFingerprint, nil, { $0.tokenFingerprint = $1 }),
    ]
}

/// Indices of segments in the payload directory.
enum BlockLayout {
    static let scalarCount = ScalarSegment.allCases.count
    static let stringCount = StringColumn.allCases.count
    static let segmentCount = scalarCount + 2 * stringCount

    static func index(_ segment: ScalarSegment) -> Int { segment.rawValue }
    static func codes(_ column: StringColumn) -> Int { scalarCount + column.rawValue }
    static func dictionary(_ column: StringColumn) -> Int { scalarCount + stringCount + column.rawValue }

    /// The zlib strategy for part `index` of the payload (part 0 is the directory, part `i + 1`
    /// segment `i`).
    static func strategy(ofPart index: Int) -> Deflate.Strategy {
        let segment = index - 1
        guard segment >= scalarCount + stringCount,
            let column = StringColumn(rawValue: segment - scalarCount - stringCount)
        else { return .runLength }
        // Transposed identifiers are runs (fixed characters) and per-position alphabets: LZ
        // matching finds little more than runs there.
        return column.holdsIdentifiers ? .runLength : .standard
    }
}

/// Bits of the per-event presence byte for optional integers.
enum Presence {
    static let latency: UInt8 = 1 << 0
    static let sequence: UInt8 = 1 << 1
    static let issuedAt: UInt8 = 1 << 2
    static let expiresAt: UInt8 = 1 << 3
    static let notBefore: UInt8 = 1 << 4
    static let all: UInt8 = 0x1F
}

/// String codes: what each event (or audience value, or attribute) holds in a string column.
enum StringCode {
    /// No value (`nil`).
    static let absent: UInt64 = 0
    /// The same value as the event's reference: for per-token columns the previous event in the
    /// block with the same `jti`, for `producer` the previous event with the same `service`.
    static let sameAsReference: UInt64 = 1
    /// The next dictionary entry, used here for the first time.
    static let next: UInt64 = 2
    /// `existing + d`: the dictionary entry `d` places before the newest one introduced so far
    /// (entry `introduced - 1 - d`): recently introduced values get small codes.
    static let existing: UInt64 = 3
}

/// Audience shapes, one byte per event.
enum AudienceShape {
    static let absent: UInt8 = 0
    static let single: UInt8 = 1
    static let list: UInt8 = 2
    static let sameAsToken: UInt8 = 3
}

/// Seconds of a microsecond timestamp: the base that `iat`, `exp` and `nbf` are stored against.
@inline(__always)
func secondsBase(_ micros: Int64) -> Int64 { micros / 1_000_000 }
