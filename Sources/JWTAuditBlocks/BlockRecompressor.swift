/// Recompresses a stored block harder for the archive tier, without decoding its events: the
/// payload is inflated, cut at its directory's segment boundaries, and deflated again with zlib's
/// standard strategy on every segment (the online encoder uses run-length matching on most of them,
/// for speed) at the given level. The result is a block of the same format that
/// ``BlockCodec/decode(_:)`` reads like any other: same header, same payload, another zlib stream.
public enum BlockRecompressor {
    /// The level the archive tier uses.
    public static let archiveLevel: Int32 = 9

    /// `block` with its payload recompressed at `level` (standard strategy on every segment).
    ///
    /// - Throws: ``BlockCodecError`` when `block` is not a well-formed block.
    public static func recompress(_ block: [UInt8], level: Int32 = archiveLevel) throws(BlockCodecError) -> [UInt8] {
        try block.withUnsafeBytes { raw in
            Result { () throws(BlockCodecError) -> [UInt8] in try recompress(raw, level: level) }
        }.get()
    }

    /// `block` with its payload recompressed at `level`.
    public static func recompress(_ block: UnsafeRawBufferPointer, level: Int32 = archiveLevel)
        throws(BlockCodecError) -> [UInt8]
    {
        let header = try BlockCodec.readHeader(block)
        let body = UnsafeRawBufferPointer(rebasing: block[header.bodyStart...])
        let payload: [UInt8]
        do {
            payload = try Deflate.decompress(
                body, expectedSize: header.payloadSize, maxOutputBytes: BlockCodec.maxPayloadBytes)
        } catch {
            throw BlockCodecError(code: .compression, context: "payload", underlying: error)
        }
        let parts = try payload.withUnsafeBytes { raw in
            Result { () throws(BlockCodecError) -> [[UInt8]] in try split(raw) }
        }.get()
        var out = Array(block[..<header.bodyStart])
        out.append(contentsOf: Deflate.compress(parts: parts.map { ($0, .standard) }, level: level))
        return out
    }

    /// The payload cut into its directory (segment count and lengths) and its segments.
    static func split(_ payload: UnsafeRawBufferPointer) throws(BlockCodecError) -> [[UInt8]] {
        var reader = ByteReader(payload)
        let count = try reader.readVarint("segment count")
        guard count <= UInt64(BlockLayout.segmentCount) else { throw .limit("segment count") }
        var lengths: [Int] = []
        for _ in 0..<Int(count) {
            let length = try reader.readVarint("segment length")
            guard length <= UInt64(payload.count) else { throw .limit("segment length") }
            lengths.append(Int(length))
        }
        var parts = [Array(payload[..<reader.position])]
        var start = reader.position
        for length in lengths {
            guard start + length <= payload.count else { throw .limit("segment length") }
            parts.append(Array(payload[start..<(start + length)]))
            start += length
        }
        guard start == payload.count else { throw .limit("payload size") }
        return parts
    }
}
