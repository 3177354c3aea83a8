import JWTAuditModel
import Testing

@testable import JWTAuditBlocks

@Suite("Block recompression for the archive tier")
struct BlockRecompressorTests {
    @Test("a recompressed block decodes to the same events, keeps its header, and is smaller")
    func sameEventsFewerBytes() throws {
        var traffic = SyntheticTraffic(seed: 21)
        let events = traffic.events(8_192)
        let online = BlockCodec.encode(events)
        let archived = try BlockRecompressor.recompress(online)
        #expect(try BlockCodec.decode(archived) == events)
        let header = try online.withUnsafeBytes { try BlockCodec.readHeader($0) }
        #expect(Array(archived.prefix(header.bodyStart)) == Array(online.prefix(header.bodyStart)))
        #expect(archived.count < online.count)
    }

    @Test("a damaged block is refused, not recompressed")
    func damagedRefused() throws {
        var traffic = SyntheticTraffic(seed: 22)
        var block = BlockCodec.encode(traffic.events(100))
        block[block.count / 2] ^= 0xFF
        #expect(throws: BlockCodecError.self) { try BlockRecompressor.recompress(block) }
    }
}
