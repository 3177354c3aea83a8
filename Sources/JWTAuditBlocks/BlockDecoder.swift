import JWTAuditModel

/// Reads the uncompressed payload of one block back into events. Every count, index and length
/// is checked before use; anything inconsistent throws ``BlockCodecError``.
struct BlockDecoder {
    private let payload: UnsafeRawBufferPointer
    private let count: Int
    private var ranges: [Range<Int>] = []
    private var events: [AuditEvent] = []
    private var tokenRefs: [Int32] = []
    private var carried: [Bool] = []
    private var producerKeys: [Int32] = []
    private var producerSlots = 1

    init(payload: UnsafeRawBufferPointer, count: Int) {
        self.payload = payload
        self.count = count
    }

    mutating func decode() throws(BlockCodecError) -> [AuditEvent] {
        try readDirectory()
        // Before anything is allocated for `count` events, the columns must be able to hold them:
        // one byte per event exactly, or at least one byte per event for planar varints.
        for segment in [ScalarSegment.kind, .outcome, .reason, .tokenType, .presence]
        where ranges[BlockLayout.index(segment)].count != count {
            throw .corrupt("column length")
        }
        let perEvent = [
            BlockLayout.index(.timestamp), BlockLayout.index(.receivedAt), BlockLayout.index(.peerUID),
            BlockLayout.index(.peerGID), BlockLayout.index(.peerPID), BlockLayout.index(.attributeCount),
            BlockLayout.codes(.service), BlockLayout.codes(.producer), BlockLayout.codes(.tokenID),
        ]
        for segment in perEvent where ranges[segment].count < count {
            throw .truncated("column length")
        }
        events = Array(repeating: AuditEvent(timestamp: 0, service: ""), count: count)
        carried = Array(repeating: false, count: count)

        try decodeTimestamps()
        try decodeEnums()
        let services = try decodeStrings(.service, references: nil, skip: nil, allowAbsent: false) {
            $0.service = $1
        }
        let producers = try decodeStrings(
            .producer, references: BlockEncoder.links(services), skip: nil, allowAbsent: true
        ) { $0.producer = $1 }
        var producerCount: Int32 = 0
        producerKeys = producers.map { entry in
            producerCount = max(producerCount, entry &+ 1)
            return entry &+ 1
        }
        producerSlots = Int(producerCount) + 1
        let tokens = try decodeStrings(.tokenID, references: nil, skip: nil, allowAbsent: true) { $0.tokenID = $1 }
        tokenRefs = BlockEncoder.links(tokens)
        try decodeCarried()
        var claimEntries: [StringColumn: [Int32]] = [:]
        for (column, fallback, set) in StringColumn.claims {
            var references = tokenRefs
            if let fallback, let other = claimEntries[fallback] {
                BlockEncoder.fill(&references, from: BlockEncoder.links(other))
            }
            claimEntries[column] = try decodeStrings(
                column, references: references, skip: carried, allowAbsent: true, set)
        }
        try decodeAudience()
        try decodeClaimIntegers()
        try decodeLatencyAndSequence()
        try decodeReceivedAt()
        try decodePeerCredentials()
        try decodeAttributes()
        return events
    }

    // MARK: Structure

    private mutating func readDirectory() throws(BlockCodecError) {
        var reader = ByteReader(payload)
        let segmentCount = try reader.readCount("segment count", limit: 4096)
        guard segmentCount == BlockLayout.segmentCount else { throw .corrupt("segment count") }
        var lengths = [Int]()
        lengths.reserveCapacity(segmentCount)
        var total = 0
        for _ in 0..<segmentCount {
            let length = try reader.readCount("segment length", limit: payload.count)
            total += length
            lengths.append(length)
        }
        guard total == reader.remaining else { throw .corrupt("segment lengths") }
        var start = reader.position
        ranges.reserveCapacity(segmentCount)
        for length in lengths {
            ranges.append(start..<(start + length))
            start += length
        }
    }

    private func range(_ segment: ScalarSegment) -> Range<Int> { ranges[BlockLayout.index(segment)] }

    private func varints(_ segment: ScalarSegment, count: Int, _ what: StaticString) throws(BlockCodecError) -> [UInt64] {
        try PlanarVarints.decode(payload, range: range(segment), count: count, what)
    }

    // MARK: Scalars

    private mutating func decodeTimestamps() throws(BlockCodecError) {
        let deltas = try varints(.timestamp, count: count, "timestamps")
        var previous: Int64 = 0
        events.withUnsafeMutableBufferPointer { events in
            for i in 0..<events.count {
                previous = previous &+ ZigZag.decode(deltas[i])
                events[i].timestamp = previous
            }
        }
    }

    private mutating func decodeEnums() throws(BlockCodecError) {
        let base = payload.baseAddress!
        let kind = base + range(.kind).lowerBound
        let outcome = base + range(.outcome).lowerBound
        let reason = base + range(.reason).lowerBound
        let tokenType = base + range(.tokenType).lowerBound
        let presence = base + range(.presence).lowerBound
        try events.withUnsafeMutableBufferPointer { (events) throws(BlockCodecError) in
            for i in 0..<events.count {
                guard let value = EventKind(rawValue: kind.load(fromByteOffset: i, as: UInt8.self)) else {
                    throw .corrupt("kind")
                }
                events[i].kind = value
                let outcomeByte = outcome.load(fromByteOffset: i, as: UInt8.self)
                if outcomeByte != 0 {
                    guard let value = Outcome(rawValue: outcomeByte &- 1) else { throw .corrupt("outcome") }
                    events[i].outcome = value
                }
                let reasonByte = reason.load(fromByteOffset: i, as: UInt8.self)
                if reasonByte != 0 {
                    guard let value = Reason(rawValue: reasonByte &- 1) else { throw .corrupt("reason") }
                    events[i].reason = value
                }
                guard let type = TokenType(rawValue: tokenType.load(fromByteOffset: i, as: UInt8.self)) else {
                    throw .corrupt("token type")
                }
                events[i].tokenType = type
                guard presence.load(fromByteOffset: i, as: UInt8.self) & ~Presence.all == 0 else {
                    throw .corrupt("presence")
                }
            }
        }
    }

    private func presence(_ i: Int) -> UInt8 {
        payload[range(.presence).lowerBound + i]
    }

    /// One byte per event whose token appeared earlier in the block: 0 when it carries all its
    /// per-token fields over from that earlier event.
    private mutating func decodeCarried() throws(BlockCodecError) {
        let flags = range(.claimsCarried)
        var next = flags.lowerBound
        for i in 0..<count where tokenRefs[i] >= 0 {
            guard next < flags.upperBound else { throw .truncated("carried claims") }
            switch payload[next] {
            case 0: carried[i] = true
            case 1: break
            default: throw .corrupt("carried claims")
            }
            next += 1
        }
        guard next == flags.upperBound else { throw .corrupt("carried claims") }
    }

    // MARK: Strings

    /// The entries of a dictionary segment, as validated UTF-8 strings.
    private func dictionary(_ column: StringColumn) throws(BlockCodecError) -> [String] {
        if column == .clientIP { return try addressDictionary() }
        let range = ranges[BlockLayout.dictionary(column)]
        var reader = ByteReader(payload, range: range)
        let entryCount = try reader.readCount("dictionary size", limit: range.count)
        let uniform = try reader.readCount("dictionary entry size", limit: range.count + 1)
        var lengths = [Int]()
        lengths.reserveCapacity(entryCount)
        var total = 0
        if uniform > 0 {
            // Every entry is uniform - 1 bytes long; the product is bounded by the segment.
            guard entryCount * (uniform - 1) == reader.remaining else { throw .corrupt("dictionary bytes") }
            lengths = Array(repeating: uniform - 1, count: entryCount)
            total = reader.remaining
        } else {
            for _ in 0..<entryCount {
                let length = try reader.readCount("dictionary entry", limit: range.count)
                total += length
                lengths.append(length)
            }
        }
        guard total == reader.remaining else { throw .corrupt("dictionary bytes") }
        let stored = UnsafeRawBufferPointer(rebasing: payload[reader.position..<range.upperBound])
        let plain = column.holdsIdentifiers ? Self.untransposed(stored, lengths: lengths) : Array(stored)
        var strings = [String]()
        strings.reserveCapacity(entryCount)
        let valid = plain.withUnsafeBytes { plain in
            var start = 0
            for length in lengths {
                guard let string = validUTF8(UnsafeRawBufferPointer(rebasing: plain[start..<(start + length)])) else {
                    return false
                }
                strings.append(string)
                start += length
            }
            return true
        }
        guard valid else { throw .corrupt("dictionary text is not UTF-8") }
        return strings
    }

    /// The entries' bytes back to back, from their grouped and transposed form (see
    /// `BlockEncoder.dictionary`). The lengths add up to `bytes.count` (checked by the caller).
    static func untransposed(_ bytes: UnsafeRawBufferPointer, lengths: [Int]) -> [UInt8] {
        var ends = [Int]()
        ends.reserveCapacity(lengths.count)
        var end = 0
        for length in lengths {
            end += length
            ends.append(end)
        }
        guard bytes.count > 0 else { return [] }  // see BlockEncoder.transposedByLength
        return [UInt8](unsafeUninitializedCapacity: bytes.count) { plain, initialized in
            initialized = bytes.count
            guard let target = plain.baseAddress, let source = bytes.baseAddress else { return }
            LengthGroups(ends: ends).forEachEntry { groupStart, groupCount, rank, entryStart, length in
                var from = source + groupStart + rank
                var to = target + entryStart
                for _ in 0..<length {
                    to.pointee = from.load(as: UInt8.self)
                    from += groupCount
                    to += 1
                }
            }
        }
    }

    /// The `client_ip` dictionary (see `BlockEncoder.addressDictionary`).
    private func addressDictionary() throws(BlockCodecError) -> [String] {
        let range = ranges[BlockLayout.dictionary(.clientIP)]
        var reader = ByteReader(payload, range: range)
        let entryCount = try reader.readCount("address dictionary size", limit: range.count)
        let tags = try reader.take(entryCount, "address tags")
        var v4Count = 0, v6Count = 0, textCount = 0
        for offset in tags {
            switch payload[offset] {
            case 4: v4Count += 1
            case 6: v6Count += 1
            case 0: textCount += 1
            default: throw .corrupt("address tag")
            }
        }
        let v4 = try reader.take(4 * v4Count, "IPv4 addresses").lowerBound
        let v6 = try reader.take(16 * v6Count, "IPv6 addresses").lowerBound
        var lengths = [Int]()
        lengths.reserveCapacity(textCount)
        var total = 0
        for _ in 0..<textCount {
            let length = try reader.readCount("address text", limit: range.count)
            total += length
            lengths.append(length)
        }
        guard total == reader.remaining else { throw .corrupt("address text") }
        var strings = [String]()
        strings.reserveCapacity(entryCount)
        var next = (v4: 0, v6: 0, text: 0)
        var textStart = reader.position
        for offset in tags {
            switch payload[offset] {
            case 4:
                let i = next.v4
                let bytes = AddressText.renderIPv4(
                    payload[v4 + i], payload[v4 + v4Count + i], payload[v4 + 2 * v4Count + i], payload[v4 + 3 * v4Count + i])
                strings.append(String(decoding: bytes, as: UTF8.self))
                next.v4 += 1
            case 6:
                let i = next.v6
                var groups = [UInt16](repeating: 0, count: 8)
                for g in 0..<8 {
                    groups[g] = UInt16(payload[v6 + 2 * g * v6Count + i]) << 8 | UInt16(payload[v6 + (2 * g + 1) * v6Count + i])
                }
                strings.append(String(decoding: AddressText.renderIPv6(groups), as: UTF8.self))
                next.v6 += 1
            default:
                let length = lengths[next.text]
                let bytes = UnsafeRawBufferPointer(rebasing: payload[textStart..<(textStart + length)])
                guard let string = validUTF8(bytes) else { throw .corrupt("address text is not UTF-8") }
                strings.append(string)
                textStart += length
                next.text += 1
            }
        }
        return strings
    }

    /// Resolves the codes of a string column to one dictionary entry per event (-1 for nil).
    ///
    /// Events in `skip` have no code: they take their reference's entry.
    private func eventEntries(
        _ column: StringColumn, dictionarySize: Int, references: [Int32]?, skip: [Bool]?, allowAbsent: Bool
    ) throws(BlockCodecError) -> [Int32] {
        let itemCount = skip.map { skip in skip.reduce(0) { $0 + ($1 ? 0 : 1) } } ?? count
        let codes = try PlanarVarints.decode(payload, range: ranges[BlockLayout.codes(column)], count: itemCount, "string codes")
        var entries = [Int32](repeating: -1, count: count)
        var introduced = 0
        var next = 0
        try entries.withUnsafeMutableBufferPointer { (entries) throws(BlockCodecError) in
            for i in 0..<count {
                if let skip, skip[i] {
                    // Skipped events are carried: their token reference exists and precedes them.
                    entries[i] = entries[Int(tokenRefs[i])]
                    continue
                }
                let code = codes[next]
                next += 1
                switch code {
                case StringCode.absent:
                    guard allowAbsent else { throw .corrupt("string codes") }
                case StringCode.sameAsReference:
                    guard let references, case let ref = Int(references[i]), ref >= 0, entries[ref] >= 0 else {
                        throw .corrupt("string codes")
                    }
                    entries[i] = entries[ref]
                case StringCode.next:
                    guard introduced < dictionarySize else { throw .corrupt("string codes") }
                    entries[i] = Int32(truncatingIfNeeded: introduced)
                    introduced += 1
                default:
                    let back = code &- StringCode.existing
                    guard back < UInt64(introduced) else { throw .corrupt("string codes") }
                    entries[i] = Int32(truncatingIfNeeded: introduced - 1 - Int(back))
                }
            }
        }
        guard introduced == dictionarySize else { throw .corrupt("dictionary entries unused") }
        return entries
    }

    /// Resolves the codes of a list column (audience values, attribute keys or values).
    private func listEntries(_ column: StringColumn, itemCount: Int, dictionarySize: Int) throws(BlockCodecError) -> [Int32] {
        let codes = try PlanarVarints.decode(payload, range: ranges[BlockLayout.codes(column)], count: itemCount, "list codes")
        var entries = [Int32](repeating: -1, count: itemCount)
        var introduced = 0
        for i in 0..<itemCount {
            let code = codes[i]
            if code == StringCode.next {
                guard introduced < dictionarySize else { throw .corrupt("list codes") }
                entries[i] = Int32(truncatingIfNeeded: introduced)
                introduced += 1
            } else {
                guard code >= StringCode.existing, case let back = code &- StringCode.existing, back < UInt64(introduced)
                else { throw .corrupt("list codes") }
                entries[i] = Int32(truncatingIfNeeded: introduced - 1 - Int(back))
            }
        }
        guard introduced == dictionarySize else { throw .corrupt("dictionary entries unused") }
        return entries
    }

    private mutating func decodeStrings(
        _ column: StringColumn, references: [Int32]?, skip: [Bool]?, allowAbsent: Bool,
        _ set: (inout AuditEvent, String) -> Void
    ) throws(BlockCodecError) -> [Int32] {
        let strings = try dictionary(column)
        let entries = try eventEntries(
            column, dictionarySize: strings.count, references: references, skip: skip, allowAbsent: allowAbsent)
        events.withUnsafeMutableBufferPointer { events in
            for i in 0..<events.count where entries[i] >= 0 {
                set(&events[i], strings[Int(entries[i])])
            }
        }
        return entries
    }

    private mutating func decodeAudience() throws(BlockCodecError) {
        let shapes = range(.audienceShape)
        let ownCount = carried.reduce(0) { $0 + ($1 ? 0 : 1) }
        guard shapes.count == ownCount else { throw .corrupt("audience") }
        let maxValues = ranges[BlockLayout.codes(.audience)].count
        var listCount = 0
        for offset in shapes where payload[offset] == AudienceShape.list { listCount += 1 }
        let lists = try varints(.audienceCount, count: listCount, "audience count")
        var total = 0
        var nextShape = shapes.lowerBound
        var nextList = 0
        var shapeOf = [UInt8](repeating: AudienceShape.absent, count: count)
        var valueCounts = [Int](repeating: 0, count: count)
        for i in 0..<count {
            if carried[i] {
                shapeOf[i] = AudienceShape.sameAsToken
                continue
            }
            let shape = payload[nextShape]
            nextShape += 1
            switch shape {
            case AudienceShape.absent:
                break
            case AudienceShape.single:
                valueCounts[i] = 1
            case AudienceShape.list:
                guard lists[nextList] <= UInt64(maxValues) else { throw .corrupt("audience count") }
                valueCounts[i] = Int(lists[nextList])
                nextList += 1
            case AudienceShape.sameAsToken:
                guard tokenRefs[i] >= 0 else { throw .corrupt("audience") }
            default:
                throw .corrupt("audience")
            }
            shapeOf[i] = shape
            total += valueCounts[i]
            guard total <= maxValues else { throw .corrupt("audience count") }
        }
        let strings = try dictionary(.audience)
        let values = try listEntries(.audience, itemCount: total, dictionarySize: strings.count)
        var next = 0
        for i in 0..<count {
            switch shapeOf[i] {
            case AudienceShape.single:
                events[i].audience = .single(strings[Int(values[next])])
                next += 1
            case AudienceShape.list:
                var list = [String]()
                list.reserveCapacity(valueCounts[i])
                for _ in 0..<valueCounts[i] {
                    list.append(strings[Int(values[next])])
                    next += 1
                }
                events[i].audience = .list(list)
            case AudienceShape.sameAsToken:
                let audience = events[Int(tokenRefs[i])].audience
                // A shape of "same as the token" must refer to an audience (carried events may
                // carry an absent one).
                guard audience != nil || carried[i] else { throw .corrupt("audience") }
                events[i].audience = audience
            default:
                break
            }
        }
    }

    private mutating func decodeAttributes() throws(BlockCodecError) {
        let maxItems = ranges[BlockLayout.codes(.attributeKey)].count
        let perEvent = try varints(.attributeCount, count: count, "attribute count")
        var total = 0
        for value in perEvent {
            guard value <= UInt64(maxItems) else { throw .corrupt("attribute count") }
            total += Int(value)
            guard total <= maxItems else { throw .corrupt("attribute count") }
        }
        let keyStrings = try dictionary(.attributeKey)
        let valueStrings = try dictionary(.attributeValue)
        let keys = try listEntries(.attributeKey, itemCount: total, dictionarySize: keyStrings.count)
        let values = try listEntries(.attributeValue, itemCount: total, dictionarySize: valueStrings.count)
        var next = 0
        for i in 0..<count where perEvent[i] > 0 {
            var attributes = [String: String](minimumCapacity: Int(perEvent[i]))
            for _ in 0..<perEvent[i] {
                let key = keyStrings[Int(keys[next])]
                guard attributes.updateValue(valueStrings[Int(values[next])], forKey: key) == nil else {
                    throw .corrupt("duplicate attribute")
                }
                next += 1
            }
            events[i].attributes = attributes
        }
    }

    // MARK: Integers

    private mutating func decodeClaimIntegers() throws(BlockCodecError) {
        let claimBits = Presence.issuedAt | Presence.expiresAt | Presence.notBefore
        var counts = (issued: 0, expires: 0, notBefore: 0)
        for i in 0..<count {
            let bits = presence(i)
            if carried[i] {
                guard bits & claimBits == presence(Int(tokenRefs[i])) & claimBits else {
                    throw .corrupt("presence")
                }
                continue
            }
            if bits & Presence.issuedAt != 0 { counts.issued += 1 }
            if bits & Presence.expiresAt != 0 { counts.expires += 1 }
            if bits & Presence.notBefore != 0 { counts.notBefore += 1 }
        }
        let issued = try varints(.issuedAt, count: counts.issued, "iat")
        let expires = try varints(.expiresAt, count: counts.expires, "exp")
        let notBefore = try varints(.notBefore, count: counts.notBefore, "nbf")
        var next = (issued: 0, expires: 0, notBefore: 0)
        let presenceStart = range(.presence).lowerBound
        let refs = tokenRefs
        let carried = carried
        let payload = payload
        events.withUnsafeMutableBufferPointer { events in
            for i in 0..<events.count {
                let ref = Int(refs[i])
                if carried[i] {
                    events[i].issuedAt = events[ref].issuedAt
                    events[i].expiresAt = events[ref].expiresAt
                    events[i].notBefore = events[ref].notBefore
                    continue
                }
                let bits = payload[presenceStart + i]
                let seconds = secondsBase(events[i].timestamp)
                if bits & Presence.issuedAt != 0 {
                    let base = ref >= 0 ? events[ref].issuedAt ?? seconds : seconds
                    events[i].issuedAt = base &+ ZigZag.decode(issued[next.issued])
                    next.issued += 1
                }
                let claimBase = events[i].issuedAt ?? seconds
                if bits & Presence.expiresAt != 0 {
                    let base = ref >= 0 ? events[ref].expiresAt ?? claimBase : claimBase
                    events[i].expiresAt = base &+ ZigZag.decode(expires[next.expires])
                    next.expires += 1
                }
                if bits & Presence.notBefore != 0 {
                    let base = ref >= 0 ? events[ref].notBefore ?? claimBase : claimBase
                    events[i].notBefore = base &+ ZigZag.decode(notBefore[next.notBefore])
                    next.notBefore += 1
                }
            }
        }
    }

    private mutating func decodeLatencyAndSequence() throws(BlockCodecError) {
        var latencyCount = 0
        var sequenceCount = 0
        for i in 0..<count {
            let bits = presence(i)
            if bits & Presence.latency != 0 { latencyCount += 1 }
            if bits & Presence.sequence != 0 { sequenceCount += 1 }
        }
        let latency = try varints(.latency, count: latencyCount, "latency")
        let sequence = try varints(.sequence, count: sequenceCount, "sequence")
        var lastSequence = [Int64](repeating: 0, count: producerSlots)
        var next = (latency: 0, sequence: 0)
        let presenceStart = range(.presence).lowerBound
        let keys = producerKeys
        let payload = payload
        events.withUnsafeMutableBufferPointer { events in
            for i in 0..<events.count {
                let bits = payload[presenceStart + i]
                if bits & Presence.latency != 0 {
                    events[i].latencyMicros = ZigZag.decode(latency[next.latency])
                    next.latency += 1
                }
                if bits & Presence.sequence != 0 {
                    let key = Int(keys[i])
                    let value = (lastSequence[key] &+ 1) &+ ZigZag.decode(sequence[next.sequence])
                    next.sequence += 1
                    events[i].sequence = value
                    lastSequence[key] = value
                }
            }
        }
    }

    private mutating func decodeReceivedAt() throws(BlockCodecError) {
        let segment = range(.receivedAt)
        guard let modeOffset = segment.first else { throw .truncated("received_at") }
        let mode = payload[modeOffset]
        guard mode <= 1 else { throw .corrupt("received_at mode") }
        let deltas = try PlanarVarints.decode(payload, range: (modeOffset + 1)..<segment.upperBound, count: count, "received_at")
        var last = [Int64](repeating: 0, count: producerSlots)
        var seen = [Bool](repeating: false, count: producerSlots)
        let keys = producerKeys
        events.withUnsafeMutableBufferPointer { events in
            for i in 0..<events.count {
                let delta = ZigZag.decode(deltas[i])
                if mode == 0 {
                    events[i].receivedAt = events[i].timestamp &+ delta
                } else {
                    let key = Int(keys[i])
                    let value = (seen[key] ? last[key] : events[i].timestamp) &+ delta
                    events[i].receivedAt = value
                    last[key] = value
                    seen[key] = true
                }
            }
        }
    }

    private mutating func decodePeerCredentials() throws(BlockCodecError) {
        let uid = try varints(.peerUID, count: count, "peer uid")
        let gid = try varints(.peerGID, count: count, "peer gid")
        let pid = try varints(.peerPID, count: count, "peer pid")
        var last = [(uid: Int64, gid: Int64, pid: Int64)](repeating: (0, 0, 0), count: producerSlots)
        let keys = producerKeys
        try events.withUnsafeMutableBufferPointer { (events) throws(BlockCodecError) in
            for i in 0..<events.count {
                let key = Int(keys[i])
                let u = last[key].uid &+ ZigZag.decode(uid[i])
                let g = last[key].gid &+ ZigZag.decode(gid[i])
                let p = last[key].pid &+ ZigZag.decode(pid[i])
                guard let u32 = UInt32(exactly: u), let g32 = UInt32(exactly: g), let p32 = Int32(exactly: p) else {
                    throw .corrupt("peer credentials")
                }
                events[i].peerUID = u32
                events[i].peerGID = g32
                events[i].peerPID = p32
                last[key] = (u, g, p)
            }
        }
    }
}

/// `bytes` as a string, or nil when they are not valid UTF-8.
///
/// `String(decoding:as:)` is the fast, specialised path, but it repairs invalid input with
/// U+FFFD; a repaired string no longer has the input's bytes, which is how it is caught here.
@inline(__always)
func validUTF8(_ bytes: UnsafeRawBufferPointer) -> String? {
    let string = String(decoding: bytes.assumingMemoryBound(to: UInt8.self), as: UTF8.self)
    let same = string.utf8.withContiguousStorageIfAvailable { stored in
        stored.count == bytes.count && (bytes.isEmpty || memcmpBytes(stored.baseAddress!, bytes.baseAddress!, bytes.count))
    }
    return same == true ? string : nil
}
