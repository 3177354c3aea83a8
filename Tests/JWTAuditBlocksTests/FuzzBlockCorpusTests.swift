import Foundation
import JWTAuditModel
import Testing

@testable import JWTAuditBlocks

/// The block decoder's libFuzzer corpus (`Fuzz/corpus/FuzzBlockDecoder`, docs/testing.md),
/// replayed on every test run: whatever the decoder accepts holds its header's event count and
/// survives encoding again; the `valid-` seeds are real blocks and must keep decoding (if the
/// format changes, regenerate them, or the fuzzer starts from noise).
@Suite struct FuzzBlockCorpusTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Fuzz/corpus/FuzzBlockDecoder")

    /// The block a FuzzBlockDecoder input stands for (see Sources/FuzzBlockDecoder).
    static func block(fromInput input: [UInt8]) -> [UInt8]? {
        guard let mode = input.first else { return nil }
        guard mode & 1 == 1 else { return Array(input.dropFirst()) }
        guard input.count >= 3 else { return nil }
        var header = ByteWriter()
        header.write(BlockCodec.formatVersion)
        header.writeVarint(Int(input[1]) | Int(input[2]) << 8)
        header.writeVarint(input.count - 3)
        return header.bytes + Deflate.compress(Array(input[3...]), level: 1)
    }

    static func inputs() throws -> [(name: String, block: [UInt8]?)] {
        try FileManager.default.contentsOfDirectory(atPath: folder.path).sorted().map { name in
            (name, block(fromInput: Array(try Data(contentsOf: folder.appendingPathComponent(name)))))
        }
    }

    @Test("every accepted input holds its header's count of events, and they survive encoding again")
    func corpus() throws {
        let inputs = try Self.inputs()
        #expect(inputs.count >= 10)
        for (name, block) in inputs {
            guard let block, let events = try? BlockCodec.decode(block) else { continue }
            let header = try block.withUnsafeBytes { try BlockCodec.readHeader($0) }
            #expect(events.count == header.count, "\(name)")
            #expect(try BlockCodec.decode(BlockCodec.encode(events)) == events, "\(name)")
        }
    }

    @Test("the valid seeds, whole blocks and bare payloads, decode to events")
    func validSeeds() throws {
        let valid = try Self.inputs().filter { $0.name.hasPrefix("valid-") }
        #expect(valid.count >= 6)
        for (name, block) in valid {
            let events = try BlockCodec.decode(try #require(block, "\(name)"))
            #expect(!events.isEmpty || name.contains("empty"), "\(name)")
        }
    }
}
