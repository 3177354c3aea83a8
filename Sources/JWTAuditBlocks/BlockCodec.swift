import JWTAuditModel

/// Encodes a batch of events into one compact, compressed block, and back.
///
/// A block is columnar: each field of ``AuditEvent`` is its own column, strings are
/// dictionary-encoded per block, integers are stored as ZigZag varint deltas against a nearby
/// value, and the whole payload is compressed with zlib. Decoding is lossless for every field.
///
/// ## Format version 1
///
/// ```
/// block   = version:u8 (1) · eventCount:varint · payloadSize:varint · zlib(payload)
/// payload = segmentCount:varint (60) · segmentLength:varint × 60 · segment × 60
/// ```
///
/// Varints are LEB128; signed values are ZigZag-mapped first; all arithmetic on deltas wraps.
/// The segments, in order (`ScalarSegment`, then `StringColumn` codes, then dictionaries):
///
/// - `timestamp`: `ts` minus the previous event's `ts` (0 before the first).
/// - `kind`, `tokenType`: one byte per event, the enum's raw value. `outcome`, `reason`: one
///   byte per event, 0 for absent, else raw value + 1.
/// - `presence`: one byte per event, bit 0 `latency_us`, 1 `seq`, 2 `iat`, 3 `exp`, 4 `nbf`.
/// - `latency`: the value, for events that have one.
/// - `sequence`: `seq` minus (the previous `seq` of the same producer in the block, or 0) minus 1.
/// - `issuedAt`: `iat` minus the `iat` of the event's *token reference* (the previous event in the
///   block with the same `jti`) when that has one, else minus `ts` in whole seconds.
///   `expiresAt` and `notBefore`: minus the token reference's value when it has one, else minus
///   the event's own `iat`, else minus `ts` in seconds.
/// - `receivedAt`: a mode byte, then per event `received_at` minus `ts` (mode 0), or minus the
///   previous `received_at` of the same producer, `ts` for its first (mode 1).
/// - `peerUID`, `peerGID`, `peerPID`: the value minus the same producer's previous one (0 first).
/// - `audienceShape`: a byte per event: 0 absent, 1 single, 2 list, 3 same as the token
///   reference. `audienceCount`: the length of each list. Values go to the `audience` column.
/// - `attributeCount`: per event; keys (sorted) and values go to `attributeKey`/`attributeValue`.
/// - String codes, one per event (per value for audience and attributes): a width byte (1–4),
///   then the codes as little-endian byte planes. Code 0 absent, 1 same value as the token
///   reference (per-token columns only), 2 the next dictionary entry (first use), 3 + k entry k.
/// - Dictionaries: entry count, each entry's byte length, then the entries' UTF-8 bytes, in
///   order of first use.
public enum BlockCodec {
    /// The format this build writes, and the only one it reads.
    public static let formatVersion: UInt8 = 1

    /// The most events one block may hold. Writers cut blocks far smaller (a few thousand).
    public static let maxEventCount = 1 << 18

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
        // smaller than one stream over the whole payload. Only the dictionaries of structured
        // text (subjects, addresses, URLs) are worth zlib's search for repeats; the rest goes
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
