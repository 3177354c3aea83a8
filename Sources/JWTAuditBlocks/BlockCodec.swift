import JWTAuditModel

/// Encodes a batch of events into one compact, compressed block, and back.
///
/// A block is columnar: each field of ``AuditEvent`` is its own column, strings are
/// dictionary-encoded per block, integers are stored as ZigZag varint deltas against a nearby
/// value, and the whole payload is compressed with zlib. Decoding is lossless for every field,
/// byte for byte (strings are compared by their UTF-8 bytes, not by Unicode equivalence).
///
/// ## Format version 1
///
/// ```
/// block   = version:u8 (1) · eventCount:varint · payloadSize:varint · zlib(payload)
/// payload = segmentCount:varint (61) · segmentLength:varint × 61 · segment × 61
/// ```
///
/// Varints are LEB128; signed values are ZigZag-mapped first; all delta arithmetic wraps, so
/// any `Int64` round-trips. Integer columns are *planar varints*: the first byte of every value,
/// then the second byte of every value that has one, and so on (the high bit of each byte says
/// whether the value goes on in the next plane).
///
/// Token reference: for an event whose `jti` appeared earlier in the block, the latest such
/// event. An event with a token reference whose per-token fields (`iss`, `sub`, `client_id`,
/// `scope`, `tenant`, `alg`, `kid`, `typ`, `client_ip`, `user_agent`, `family`, `parent_jti`,
/// `jku`, `x5u`, `token_fp`, `aud`, `iat`, `exp`, `nbf`) all equal its reference's is *carried*:
/// none of them is stored for it again.
///
/// The segments, in order:
///
/// 1. `timestamp`: `ts` minus the previous event's `ts` (0 before the first).
/// 2. `kind`, `tokenType`: a byte per event, the enum's raw value. `outcome`, `reason`: a byte
///    per event, 0 for absent, else raw value + 1.
/// 3. `presence`: a byte per event; bit 0 `latency_us`, 1 `seq`, 2 `iat`, 3 `exp`, 4 `nbf`.
/// 4. `claimsCarried`: a byte per event that has a token reference: 0 carried, 1 not.
/// 5. `latency`: the value, for events that have one. `sequence`: `seq` minus (the previous
///    `seq` of the same producer in the block, or 0) minus 1.
/// 6. `issuedAt`, `expiresAt`, `notBefore`, for events not carried: `iat` minus the token
///    reference's `iat` when it has one, else minus `ts` in whole seconds; `exp` and `nbf` minus
///    the token reference's value when it has one, else minus the event's own `iat`, else minus
///    `ts` in seconds.
/// 7. `receivedAt`: a mode byte, then per event `received_at` minus `ts` (mode 0), or minus the
///    previous `received_at` of the same producer, `ts` for its first (mode 1); the encoder
///    picks the smaller.
/// 8. `peerUID`, `peerGID`, `peerPID`: the value minus the same producer's previous one (0 first).
/// 9. `audienceShape`, a byte per event not carried: 0 absent, 1 single, 2 list, 3 the token
///    reference's. `audienceCount`: each list's length. Values go to the `audience` column.
/// 10. `attributeCount` per event; keys (in sorted order) and values go to the `attributeKey` and
///     `attributeValue` columns.
/// 11. One code segment per string column (`service`, `producer`, `jti`, then the per-token
///     columns, `aud`, attribute keys and values), planar varints: 0 absent, 1 the same value as
///     the event's reference, 2 the next dictionary entry (its first use), 3 + d the entry d places
///     before the newest one used so far. The reference is the token reference for per-token
///     columns (or, without one, the previous event with the same `iss` for `alg`, `kid`, `typ`,
///     `jku`, `x5u`; the same `sub` for `client_id`, `tenant`, `family`; the same `client_id` for
///     `scope`; the same `client_ip` for `user_agent`), and the previous event with the same
///     `service` for `producer`. Carried events have no code in the per-token columns.
/// 12. One dictionary segment per string column, entries in order of first use: entry count;
///     then either 0 and every entry's byte length, or L + 1 when all entries are L bytes long;
///     then the entries' UTF-8 bytes. For identifier columns (`sub`, `jti`, `parent_jti`,
///     `family`, `token_fp`) the bytes are grouped by entry length (groups in order of first
///     appearance) and each group is transposed (the first byte of each entry, then the second
///     byte of each, …); other columns store them back to back. The `client_ip` dictionary
///     instead holds: entry count; a tag byte per entry (4 IPv4, 6 IPv6, 0 text); the IPv4
///     entries as 4 byte planes; the IPv6 entries as 16 byte planes; the text entries' lengths and
///     bytes. Only addresses whose text is canonical (dotted decimal without leading zeros;
///     RFC 5952) are stored in binary.
///
/// zlib sees each segment as a deflate block of its own (a `Z_BLOCK` flush between segments),
/// with its own Huffman codes. Dictionaries of text use zlib's default strategy at the requested
/// level; everything else (column codes, integers, transposed identifiers) uses run-length
/// matching (`Z_RLE`), which is as small there and several times faster. This is the encoder's
/// choice: a reader just inflates one ordinary zlib stream.
public enum BlockCodec {
    /// The format this build writes, and the only one it reads.
    public static let formatVersion: UInt8 = 1

    /// The most events one block may hold: 65,536. Writers cut blocks far smaller (a few
    /// thousand); the bound caps what a hostile block can make a reader allocate.
    public static let maxEventCount = 1 << 16

    /// The largest uncompressed payload a block may have: 1 GiB.
    public static let maxPayloadBytes = 1 << 30

    /// Encodes `events` (in the order given) into one block.
    ///
    /// - Parameter level: zlib level, 1 (fastest) to 9 (smallest); 6 is zlib's default.
    /// - Precondition: at most ``maxEventCount`` events, and a payload under ``maxPayloadBytes``
    ///   (about 250 KiB of text per event).
    public static func encode(_ events: [AuditEvent], level: Int32 = 6) -> [UInt8] {
        precondition(events.count <= maxEventCount, "too many events for one block")
        let parts = events.withUnsafeBufferPointer { buffer in
            var encoder = BlockEncoder(events: buffer)
            return encoder.payloadParts()
        }
        let payloadSize = parts.reduce(0) { $0 + $1.count }
        precondition(payloadSize <= maxPayloadBytes, "block payload above 1 GiB")
        var header = ByteWriter(capacity: 16)
        header.write(formatVersion)
        header.writeVarint(events.count)
        header.writeVarint(payloadSize)
        // Each segment in a deflate block of its own, with Huffman codes of its own: about 10 %
        // smaller than one stream over the whole payload. Only the dictionaries of text (scopes,
        // URLs, user agents, addresses) are worth zlib's search for repeats; the rest goes
        // through the much faster run-length strategy at no loss in size.
        let compressed = Deflate.compress(
            parts: parts.enumerated().map { index, bytes in (bytes, BlockLayout.strategy(ofPart: index)) },
            level: level)
        var block = header.bytes
        block.reserveCapacity(block.count + compressed.count)
        block.append(contentsOf: compressed)
        return block
    }

    /// Decodes a block written by ``encode(_:level:)``.
    ///
    /// - Throws: ``BlockCodecError`` for anything that is not a complete, consistent block of a
    ///   supported version. It never traps on hostile input.
    public static func decode(_ bytes: UnsafeRawBufferPointer) throws(BlockCodecError) -> [AuditEvent] {
        let header = try readHeader(bytes)
        let body = UnsafeRawBufferPointer(rebasing: bytes[header.bodyStart...])
        let payload: [UInt8]
        do {
            payload = try Deflate.decompress(body, expectedSize: header.payloadSize, maxOutputBytes: maxPayloadBytes)
        } catch {
            throw BlockCodecError(code: .compression, context: "payload", underlying: error)
        }
        return try payload.withUnsafeBytes { raw in
            Result { () throws(BlockCodecError) -> [AuditEvent] in
                var decoder = BlockDecoder(payload: raw, count: header.count)
                return try decoder.decode()
            }
        }.get()
    }

    /// Decodes a block written by ``encode(_:level:)``.
    public static func decode(_ bytes: [UInt8]) throws(BlockCodecError) -> [AuditEvent] {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(BlockCodecError) -> [AuditEvent] in try decode(raw) }
        }.get()
    }

    /// The header of a block: what it holds, without decompressing it.
    public struct Header: Sendable, Hashable {
        /// The block's format version.
        public var formatVersion: UInt8
        /// How many events the block holds.
        public var count: Int
        /// The size of the uncompressed payload.
        public var payloadSize: Int
        /// Where the zlib stream starts.
        public var bodyStart: Int
    }

    /// Reads and checks a block's header.
    public static func readHeader(_ bytes: UnsafeRawBufferPointer) throws(BlockCodecError) -> Header {
        var reader = ByteReader(bytes)
        let version = try reader.readByte("version")
        guard version == formatVersion else {
            throw BlockCodecError(code: .unsupportedVersion, context: "version")
        }
        let countValue = try reader.readVarint("event count")
        guard countValue <= UInt64(maxEventCount) else { throw .limit("event count") }
        let sizeValue = try reader.readVarint("payload size")
        guard sizeValue <= UInt64(maxPayloadBytes) else { throw .limit("payload size") }
        return Header(
            formatVersion: version, count: Int(countValue), payloadSize: Int(sizeValue), bodyStart: reader.position)
    }
}
