// libFuzzer target: a stored block, as a reader finds it in a possibly tampered database file,
// through the block codec's decoder.
//
// Built by Fuzz/run with `--sanitize=fuzzer` and `-DJWTAUDIT_FUZZING` (libFuzzer supplies main).
// In a normal build, Replay.swift is the main.
//
// Input: a mode byte, then the rest. Mode bit 0 clear: the rest is a whole block (header and
// zlib stream). Bit 0 set: two bytes of event count (little-endian), then the uncompressed
// payload, which is compressed and framed here, so the fuzzer reaches the column decoders
// instead of spending its time on zlib's checksums.
//
// What must hold for every block the decoder accepts: it holds the number of events its header
// says, and those events encoded again decode to the same events.
import JWTAuditBlocks
import JWTAuditModel

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzBlockDecoder(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let input = UnsafeRawBufferPointer(start: data, count: size)
    guard let mode = input.first else { return 0 }
    var block: [UInt8]
    if mode & 1 == 0 {
        block = Array(input.dropFirst())
    } else {
        guard size >= 3 else { return 0 }
        let count = Int(input[1]) | Int(input[2]) << 8
        let payload = UnsafeRawBufferPointer(rebasing: input[3...])
        block = [BlockCodec.formatVersion]
        appendVarint(count, to: &block)
        appendVarint(payload.count, to: &block)
        block += Deflate.compress(payload, level: 1)
    }
    guard let events = try? BlockCodec.decode(block) else { return 0 }
    let header = block.withUnsafeBytes { try? BlockCodec.readHeader($0) }
    precondition(events.count == header?.count, "the block holds another number of events than its header says")
    let again = Result { () throws(BlockCodecError) -> [AuditEvent] in
        try BlockCodec.decode(BlockCodec.encode(events))
    }
    guard case .success(let copy) = again else {
        preconditionFailure("the events of an accepted block, encoded again, do not decode: \(again)")
    }
    precondition(copy == events, "the events of an accepted block do not survive encoding again")
    return 0
}

/// Appends `value` as an LEB128 varint.
func appendVarint(_ value: Int, to bytes: inout [UInt8]) {
    var rest = UInt64(value)
    while rest >= 0x80 {
        bytes.append(UInt8(truncatingIfNeeded: rest) | 0x80)
        rest >>= 7
    }
    bytes.append(UInt8(rest))
}
