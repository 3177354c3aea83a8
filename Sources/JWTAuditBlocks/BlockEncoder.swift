import JWTAuditModel

/// Builds the uncompressed payload of one block: one pass over the events per column.
///
/// Events of one token (the same `jti`) mostly repeat the token's claims, client address and user
/// agent. Each event whose token already appeared earlier in the block refers to that earlier
/// event (its *token reference*); when all its per-token fields equal the reference's, it is
/// *carried*: one zero byte, and none of those fields is stored for it again.
struct BlockEncoder {
    private let events: UnsafeBufferPointer<AuditEvent>
    private var segments: [[UInt8]]
    /// For each event, the previous event in the block with the same `jti`, or -1.
    private var tokenRefs: [Int32]
    /// For each event, whether its per-token fields all equal its token reference's.
    private var carried: [Bool]
    /// For each event, its producer's dictionary entry + 1 (0 when it has none).
    private var producerKeys: [Int32]
    private var producerSlots = 1

    init(events: UnsafeBufferPointer<AuditEvent>) {
        self.events = events
        segments = Array(repeating: [], count: BlockLayout.segmentCount)
        tokenRefs = Array(repeating: -1, count: events.count)
        carried = Array(repeating: false, count: events.count)
        producerKeys = Array(repeating: 0, count: events.count)
    }

    /// The payload: a directory (segment count, then each segment's length), then the segments.
    mutating func payloadParts() -> [[UInt8]] {
        let n = events.count
        let base = events.baseAddress
        encodeTimestamps()
        encodeEnums()

        let services = intern(n) { base![$0].service }
        writeCodes(.service, services, references: nil, skip: nil)
        let producers = intern(n) { base![$0].producer }
        writeCodes(.producer, producers, references: Self.links(services.entries), skip: nil)
        for i in 0..<n { producerKeys[i] = producers.entries[i] &+ 1 }
        producerSlots = producers.table.count + 1
        let tokens = intern(n) { base![$0].tokenID }
        writeCodes(.tokenID, tokens, references: nil, skip: nil)
        tokenRefs = Self.links(tokens.entries)

        // Per-token columns: intern everything first, then decide which events are carried.
        var claims: [(column: StringColumn, interned: Interned)] = []
        claims.reserveCapacity(StringColumn.claims.count)
        for claim in StringColumn.claims {
            claims.append((claim.column, internClaim(claim.column)))
        }
        var flags = [UInt8]()
        for i in 0..<n {
            let ref = Int(tokenRefs[i])
            guard ref >= 0 else { continue }
            var same = sameNonStringClaims(i, ref)
            if same {
                for claim in claims where claim.interned.entries[i] != claim.interned.entries[ref] {
                    same = false
                    break
                }
            }
            carried[i] = same
            flags.append(same ? 0 : 1)
        }
        segments[BlockLayout.index(.claimsCarried)] = flags
        for (index, claim) in claims.enumerated() {
            var references = tokenRefs
            if let fallback = StringColumn.claims[index].fallback,
                let other = claims.first(where: { $0.column == fallback })
            {
                Self.fill(&references, from: Self.links(other.interned.entries))
            }
            writeCodes(claim.column, claim.interned, references: references, skip: carried)
        }
        encodeAudience()
        encodeClaimIntegers()
        encodeLatencyAndSequence()
        encodeReceivedAt()
        encodePeerCredentials()
        encodeAttributes()

        var directory = ByteWriter(capacity: 4 * segments.count)
        directory.writeVarint(segments.count)
        for segment in segments { directory.writeVarint(segment.count) }
        return [directory.bytes] + segments
    }

    // MARK: Scalars

    private mutating func encodeTimestamps() {
        var values = [UInt64]()
        values.reserveCapacity(events.count)
        var previous: Int64 = 0
        for i in 0..<events.count {
            values.append(ZigZag.encode(events[i].timestamp &- previous))
            previous = events[i].timestamp
        }
        segments[BlockLayout.index(.timestamp)] = PlanarVarints.encode(values)
    }

    private mutating func encodeEnums() {
        let n = events.count
        var kind = [UInt8](), outcome = [UInt8](), reason = [UInt8](), tokenType = [UInt8](), presence = [UInt8]()
        kind.reserveCapacity(n)
        outcome.reserveCapacity(n)
        reason.reserveCapacity(n)
        tokenType.reserveCapacity(n)
        presence.reserveCapacity(n)
        for i in 0..<n {
            kind.append(events[i].kind.rawValue)
            outcome.append(events[i].outcome.map { $0.rawValue &+ 1 } ?? 0)
            reason.append(events[i].reason.map { $0.rawValue &+ 1 } ?? 0)
            tokenType.append(events[i].tokenType.rawValue)
            presence.append(Self.presence(events.baseAddress! + i))
        }
        segments[BlockLayout.index(.kind)] = kind
        segments[BlockLayout.index(.outcome)] = outcome
        segments[BlockLayout.index(.reason)] = reason
        segments[BlockLayout.index(.tokenType)] = tokenType
        segments[BlockLayout.index(.presence)] = presence
    }

    static func presence(_ event: UnsafePointer<AuditEvent>) -> UInt8 {
        var bits: UInt8 = 0
        if event.pointee.latencyMicros != nil { bits |= Presence.latency }
        if event.pointee.sequence != nil { bits |= Presence.sequence }
        if event.pointee.issuedAt != nil { bits |= Presence.issuedAt }
        if event.pointee.expiresAt != nil { bits |= Presence.expiresAt }
        if event.pointee.notBefore != nil { bits |= Presence.notBefore }
        return bits
    }

    /// Whether the per-token fields that are not string columns (audience, iat, exp, nbf) equal
    /// those of the token reference.
    private func sameNonStringClaims(_ i: Int, _ ref: Int) -> Bool {
        events[i].issuedAt == events[ref].issuedAt && events[i].expiresAt == events[ref].expiresAt
            && events[i].notBefore == events[ref].notBefore
            && Self.sameBytes(events[i].audience, events[ref].audience)
    }

    /// Whether two audiences have the same shape and the same bytes. Swift's `==` on strings is
    /// Unicode canonical equivalence, which would let a composed spelling stand for a decomposed
    /// one: storage keeps bytes.
    static func sameBytes(_ a: Audience?, _ b: Audience?) -> Bool {
        switch (a, b) {
        case (nil, nil):
            return true
        case (.single(let x), .single(let y)):
            return x.utf8.elementsEqual(y.utf8)
        case (.list(let x), .list(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { $0.utf8.elementsEqual($1.utf8) }
        default:
            return false
        }
    }

    // MARK: Strings

    /// One string column's dictionary, and each event's entry in it (-1 for nil).
    struct Interned {
        var table: StringTable
        var entries: [Int32]
    }

    private func intern(_ n: Int, _ get: (Int) -> String?) -> Interned {
        // Most columns hold a handful of values: start small, grow when needed.
        var table = StringTable()
        var entries = [Int32](repeating: -1, count: n)
        entries.withUnsafeMutableBufferPointer { entries in
            for i in 0..<n {
                if let value = get(i) { entries[i] = Int32(truncatingIfNeeded: table.intern(value)) }
            }
        }
        return Interned(table: table, entries: entries)
    }

    /// Interns a per-token column. Spelled out per column (rather than through the accessor in
    /// `StringColumn.claims`) so that each loop reads its field in place: through an opaque
    /// closure every string would be retained and released once more.
    private func internClaim(_ column: StringColumn) -> Interned {
        let n = events.count
        let base = events.baseAddress
        switch column {
        case .issuer: return intern(n) { base![$0].issuer }
        case .subject: return intern(n) { base![$0].subject }
        case .clientID: return intern(n) { base![$0].clientID }
        case .scope: return intern(n) { base![$0].scope }
        case .tenant: return intern(n) { base![$0].tenant }
        case .algorithm: return intern(n) { base![$0].algorithm }
        case .keyID: return intern(n) { base![$0].keyID }
        case .type: return intern(n) { base![$0].type }
        case .clientIP: return intern(n) { base![$0].clientIP }
        case .userAgent: return intern(n) { base![$0].userAgent }
        case .family: return intern(n) { base![$0].family }
        case .parentTokenID: return intern(n) { base![$0].parentTokenID }
        case .jwkSetURL: return intern(n) { base![$0].jwkSetURL }
        case .x509URL: return intern(n) { base![$0].x509URL }
        case .tokenFingerprint: return intern(n) { base![$0].tokenFingerprint }
        case .service, .producer, .tokenID, .audience, .attributeKey, .attributeValue:
            preconditionFailure("not a per-token column")
        }
    }

    /// For each item, the previous item with the same entry (-1 for the first, or for nil).
    static func links(_ entries: [Int32]) -> [Int32] {
        var last = [Int32](repeating: -1, count: Int((entries.max() ?? -1) + 1))
        var links = [Int32](repeating: -1, count: entries.count)
        for i in 0..<entries.count {
            let entry = Int(entries[i])
            guard entry >= 0 else { continue }
            links[i] = last[entry]
            last[entry] = Int32(truncatingIfNeeded: i)
        }
        return links
    }

    /// Replaces the missing (-1) references with `fallback`'s.
    static func fill(_ references: inout [Int32], from fallback: [Int32]) {
        for i in 0..<references.count where references[i] < 0 { references[i] = fallback[i] }
    }

    /// Writes the code segment (for every event not in `skip`) and the dictionary segment.
    private mutating func writeCodes(_ column: StringColumn, _ interned: Interned, references: [Int32]?, skip: [Bool]?) {
        let n = interned.entries.count
        var codes = [UInt64]()
        codes.reserveCapacity(n)
        var introduced = 0
        for i in 0..<n {
            if let skip, skip[i] { continue }
            let entry = Int(interned.entries[i])
            if entry < 0 {
                codes.append(StringCode.absent)
            } else if let references, case let ref = Int(references[i]), ref >= 0, interned.entries[ref] == entry {
                codes.append(StringCode.sameAsReference)
            } else if entry == introduced {
                codes.append(StringCode.next)
                introduced += 1
            } else {
                codes.append(StringCode.existing &+ UInt64(introduced - 1 - entry))
            }
        }
        segments[BlockLayout.codes(column)] = PlanarVarints.encode(codes)
        segments[BlockLayout.dictionary(column)] =
            column == .clientIP
            ? Self.addressDictionary(interned.table)
            : Self.dictionary(interned.table, transposed: column.holdsIdentifiers)
    }

    /// Codes for a list of values (audience values, attribute keys or values): no absent, no
    /// reference.
    struct ListCoder {
        var table = StringTable()
        var codes: [UInt64] = []

        mutating func add(_ value: String) {
            let before = table.count
            let entry = table.intern(value)
            codes.append(entry == before ? StringCode.next : StringCode.existing &+ UInt64(before - 1 - entry))
        }
    }

    private mutating func write(_ column: StringColumn, _ coder: ListCoder) {
        segments[BlockLayout.codes(column)] = PlanarVarints.encode(coder.codes)
        segments[BlockLayout.dictionary(column)] = Self.dictionary(coder.table, transposed: column.holdsIdentifiers)
    }

    /// A dictionary: entry count; then 0 and each entry's byte length, or, when every entry has
    /// the same length L (identifiers usually do), L + 1 alone; then the entries' bytes back to
    /// back, or for identifier columns (`transposed`) grouped by length (groups in order of first
    /// appearance) and each group transposed: the first byte of each of its entries, then the
    /// second byte of each, and so on.
    ///
    /// Transposed, identifiers of one format line up: fixed characters (`auth0|`, the dashes and
    /// version digit of a UUID) become runs, and each position's alphabet (hex, base64url) gets
    /// coded on its own; a mix of subject formats shrinks by about a sixth. Text (scopes, URLs)
    /// compresses better back to back, where zlib finds its repeated words.
    static func dictionary(_ table: StringTable, transposed: Bool) -> [UInt8] {
        var writer = ByteWriter(capacity: table.bytes.count + 2 * table.count + 4)
        writer.writeVarint(table.count)
        let uniform = table.count > 0 && table.bytes.count == table.count * table.ends[0]
            && zip(table.ends.dropFirst(), table.ends).allSatisfy { $0 - $1 == table.ends[0] }
        if uniform {
            writer.writeVarint(table.ends[0] + 1)
        } else {
            writer.writeVarint(0)
            var start = 0
            for end in table.ends {
                writer.writeVarint(end - start)
                start = end
            }
        }
        writer.write(contentsOf: transposed ? transposedByLength(table) : table.bytes)
        return writer.bytes
    }

    /// The table's bytes grouped by entry length and transposed (see `dictionary(_:transposed:)`).
    static func transposedByLength(_ table: StringTable) -> [UInt8] {
        // An empty table would have `Array(unsafeUninitializedCapacity: 0)` write its count into the
        // runtime's shared empty-array storage (harmless, but ThreadSanitizer reports it).
        guard !table.bytes.isEmpty else { return [] }
        return table.bytes.withUnsafeBufferPointer { bytes in
            [UInt8](unsafeUninitializedCapacity: bytes.count) { out, initialized in
                guard let target = out.baseAddress, let source = bytes.baseAddress else { return }
                LengthGroups(ends: table.ends).forEachEntry { groupStart, groupCount, rank, entryStart, length in
                    var to = target + groupStart + rank
                    var from = source + entryStart
                    for _ in 0..<length {
                        to.pointee = from.pointee
                        to += groupCount
                        from += 1
                    }
                }
                initialized = bytes.count
            }
        }
    }

    /// The `client_ip` dictionary: entry count; a tag per entry (4 IPv4, 6 IPv6, 0 text); the
    /// IPv4 entries' bytes as 4 planes (every first byte, then every second, …); the IPv6 entries'
    /// bytes as 16 planes; then the text entries as lengths and bytes. See ``AddressText``.
    static func addressDictionary(_ table: StringTable) -> [UInt8] {
        var tags = [UInt8]()
        tags.reserveCapacity(table.count)
        var v4 = [[UInt8]](repeating: [], count: 4)
        var v6 = [[UInt8]](repeating: [], count: 16)
        var textLengths = ByteWriter()
        var textBytes = [UInt8]()
        table.bytes.withUnsafeBytes { bytes in
            var start = 0
            for end in table.ends {
                let text = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
                start = end
                if let (a, b, c, d) = AddressText.parseIPv4(text) {
                    tags.append(4)
                    v4[0].append(a)
                    v4[1].append(b)
                    v4[2].append(c)
                    v4[3].append(d)
                } else if let groups = AddressText.parseIPv6(text) {
                    tags.append(6)
                    for (index, group) in groups.enumerated() {
                        v6[2 * index].append(UInt8(truncatingIfNeeded: group >> 8))
                        v6[2 * index + 1].append(UInt8(truncatingIfNeeded: group))
                    }
                } else {
                    tags.append(0)
                    textLengths.writeVarint(text.count)
                    textBytes.append(contentsOf: text)
                }
            }
        }
        var writer = ByteWriter(capacity: table.bytes.count + table.count + 8)
        writer.writeVarint(table.count)
        writer.write(contentsOf: tags)
        for plane in v4 { writer.write(contentsOf: plane) }
        for plane in v6 { writer.write(contentsOf: plane) }
        writer.write(contentsOf: textLengths.bytes)
        writer.write(contentsOf: textBytes)
        return writer.bytes
    }

    private mutating func encodeAudience() {
        var shapes = [UInt8]()
        var counts = [UInt64]()
        var coder = ListCoder()
        for i in 0..<events.count where !carried[i] {
            guard let audience = events[i].audience else {
                shapes.append(AudienceShape.absent)
                continue
            }
            let ref = Int(tokenRefs[i])
            if ref >= 0, Self.sameBytes(events[ref].audience, audience) {
                shapes.append(AudienceShape.sameAsToken)
                continue
            }
            switch audience {
            case .single(let value):
                shapes.append(AudienceShape.single)
                coder.add(value)
            case .list(let values):
                shapes.append(AudienceShape.list)
                counts.append(UInt64(values.count))
                for value in values { coder.add(value) }
            }
        }
        segments[BlockLayout.index(.audienceShape)] = shapes
        segments[BlockLayout.index(.audienceCount)] = PlanarVarints.encode(counts)
        write(.audience, coder)
    }

    private mutating func encodeAttributes() {
        var counts = [UInt64]()
        counts.reserveCapacity(events.count)
        var keys = ListCoder(), values = ListCoder()
        for i in 0..<events.count {
            let count = events[i].attributes.count
            counts.append(UInt64(count))
            if count == 0 { continue }
            let attributes = events[i].attributes
            if count == 1, let (key, value) = attributes.first {
                keys.add(key)
                values.add(value)
                continue
            }
            // Sorted, so that the same events always give the same bytes.
            for key in attributes.keys.sorted() {
                keys.add(key)
                values.add(attributes[key]!)
            }
        }
        segments[BlockLayout.index(.attributeCount)] = PlanarVarints.encode(counts)
        write(.attributeKey, keys)
        write(.attributeValue, values)
    }

    // MARK: Integers

    /// `iat`, `exp`, `nbf` of the events that are not carried.
    private mutating func encodeClaimIntegers() {
        var issued = [UInt64](), expires = [UInt64](), notBefore = [UInt64]()
        for i in 0..<events.count where !carried[i] {
            let ref = Int(tokenRefs[i])
            let seconds = secondsBase(events[i].timestamp)
            if let value = events[i].issuedAt {
                let base = ref >= 0 ? events[ref].issuedAt ?? seconds : seconds
                issued.append(ZigZag.encode(value &- base))
            }
            let claimBase = events[i].issuedAt ?? seconds
            if let value = events[i].expiresAt {
                let base = ref >= 0 ? events[ref].expiresAt ?? claimBase : claimBase
                expires.append(ZigZag.encode(value &- base))
            }
            if let value = events[i].notBefore {
                let base = ref >= 0 ? events[ref].notBefore ?? claimBase : claimBase
                notBefore.append(ZigZag.encode(value &- base))
            }
        }
        segments[BlockLayout.index(.issuedAt)] = PlanarVarints.encode(issued)
        segments[BlockLayout.index(.expiresAt)] = PlanarVarints.encode(expires)
        segments[BlockLayout.index(.notBefore)] = PlanarVarints.encode(notBefore)
    }

    private mutating func encodeLatencyAndSequence() {
        var latency = [UInt64](), sequence = [UInt64]()
        latency.reserveCapacity(events.count)
        var lastSequence = [Int64](repeating: 0, count: producerSlots)
        for i in 0..<events.count {
            if let value = events[i].latencyMicros { latency.append(ZigZag.encode(value)) }
            if let value = events[i].sequence {
                let key = Int(producerKeys[i])
                sequence.append(ZigZag.encode(value &- (lastSequence[key] &+ 1)))
                lastSequence[key] = value
            }
        }
        segments[BlockLayout.index(.latency)] = PlanarVarints.encode(latency)
        segments[BlockLayout.index(.sequence)] = PlanarVarints.encode(sequence)
    }

    /// `received_at` is stored in the cheaper of two ways, chosen per block by a leading mode
    /// byte: 0, against the event's own `ts`; 1, against the previous `received_at` of the same
    /// producer in the block (the event's `ts` for its first).
    private mutating func encodeReceivedAt() {
        let n = events.count
        var fromTimestamp = [UInt64](repeating: 0, count: n)
        var fromProducer = [UInt64](repeating: 0, count: n)
        var costFromTimestamp = 0
        var costFromProducer = 0
        var last = [Int64](repeating: 0, count: producerSlots)
        var seen = [Bool](repeating: false, count: producerSlots)
        for i in 0..<n {
            let key = Int(producerKeys[i])
            let received = events[i].receivedAt
            fromTimestamp[i] = ZigZag.encode(received &- events[i].timestamp)
            fromProducer[i] = ZigZag.encode(received &- (seen[key] ? last[key] : events[i].timestamp))
            costFromTimestamp &+= varintLength(fromTimestamp[i])
            costFromProducer &+= varintLength(fromProducer[i])
            last[key] = received
            seen[key] = true
        }
        let mode: UInt8 = costFromProducer < costFromTimestamp ? 1 : 0
        var segment = [mode]
        segment.append(contentsOf: PlanarVarints.encode(mode == 0 ? fromTimestamp : fromProducer))
        segments[BlockLayout.index(.receivedAt)] = segment
    }

    /// Peer credentials against the previous event of the same producer (0 for its first): one
    /// producer is one connection, so the deltas are nearly always 0.
    private mutating func encodePeerCredentials() {
        let n = events.count
        var uid = [UInt64](repeating: 0, count: n)
        var gid = [UInt64](repeating: 0, count: n)
        var pid = [UInt64](repeating: 0, count: n)
        var last = [(uid: Int64, gid: Int64, pid: Int64)](repeating: (0, 0, 0), count: producerSlots)
        for i in 0..<n {
            let key = Int(producerKeys[i])
            let current = (uid: Int64(events[i].peerUID), gid: Int64(events[i].peerGID), pid: Int64(events[i].peerPID))
            uid[i] = ZigZag.encode(current.uid &- last[key].uid)
            gid[i] = ZigZag.encode(current.gid &- last[key].gid)
            pid[i] = ZigZag.encode(current.pid &- last[key].pid)
            last[key] = current
        }
        segments[BlockLayout.index(.peerUID)] = PlanarVarints.encode(uid)
        segments[BlockLayout.index(.peerGID)] = PlanarVarints.encode(gid)
        segments[BlockLayout.index(.peerPID)] = PlanarVarints.encode(pid)
    }
}
