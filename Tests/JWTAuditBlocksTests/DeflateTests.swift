import Testing

@testable import JWTAuditBlocks

@Suite struct DeflateTests {
    static let text = Array(String(repeating: "the quick brown fox jumps over the lazy dog; ", count: 200).utf8)

    @Test("compress then decompress gives the input back, with or without the expected size", arguments: [0, 1, 6, 9])
    func roundTrip(level: Int32) throws {
        for input in [[], [42], Self.text, (0..<5000).map { UInt8(truncatingIfNeeded: $0 &* 7919) }] {
            let compressed = Deflate.compress(input, level: level)
            #expect(try Deflate.decompress(compressed, expectedSize: input.count) == input)
            #expect(try Deflate.decompress(compressed, expectedSize: nil) == input)
        }
        #expect(Deflate.compress(Self.text, level: level).count < Self.text.count / 10 || level == 0)
    }

    @Test("multi-part streams with switching strategies decode as one ordinary stream")
    func parts() throws {
        let parts: [(bytes: [UInt8], strategy: Deflate.Strategy)] = [
            ([], .runLength), (Self.text, .standard), ([1, 1, 1, 1, 2], .runLength), ([], .standard),
            (Array(Self.text.reversed()), .standard), ([UInt8](repeating: 9, count: 100_000), .runLength),
        ]
        let joined = parts.flatMap { $0.bytes }
        for level: Int32 in [1, 6] {
            let compressed = Deflate.compress(parts: parts, level: level)
            #expect(try Deflate.decompress(compressed, expectedSize: joined.count) == joined)
        }
        #expect(try Deflate.decompress(Deflate.compress(parts: [([], .runLength)], level: 6), expectedSize: 0) == [])
    }

    @Test("corrupt and truncated streams throw")
    func corrupt() {
        let compressed = Deflate.compress(Self.text, level: 6)
        for length in [0, 1, 2, compressed.count / 2, compressed.count - 1] {
            #expect(throws: DeflateError.self) {
                try Deflate.decompress(Array(compressed[..<length]), expectedSize: Self.text.count)
            }
            #expect(throws: DeflateError.self) { try Deflate.decompress(Array(compressed[..<length]), expectedSize: nil) }
        }
        for index in compressed.indices {
            var damaged = compressed
            damaged[index] ^= 0x20
            #expect(throws: DeflateError.self) { try Deflate.decompress(damaged, expectedSize: Self.text.count) }
        }
        #expect(throws: DeflateError.self) { try Deflate.decompress(compressed + [0], expectedSize: Self.text.count) }
        #expect(throws: DeflateError.self) { try Deflate.decompress(compressed + [0], expectedSize: nil) }
        do {
            _ = try Deflate.decompress([0x78, 0x9C, 0xFF, 0xFF], expectedSize: nil)
            Issue.record("garbage decompressed")
        } catch {
            #expect(error.code == .corruptData || error.code == .truncated)
        }
    }

    @Test("a size other than the declared one throws")
    func sizeMismatch() {
        let compressed = Deflate.compress(Self.text, level: 6)
        for size in [0, 1, Self.text.count - 1, Self.text.count + 1] {
            #expect(throws: DeflateError.self) { try Deflate.decompress(compressed, expectedSize: size) }
        }
        #expect(throws: DeflateError.self) { try Deflate.decompress(compressed, expectedSize: -1) }
    }

    @Test("a decompression bomb stops at the cap")
    func bomb() throws {
        let zeros = [UInt8](repeating: 0, count: 8 << 20)
        let bomb = Deflate.compress(zeros, level: 9)
        #expect(bomb.count < 20_000)
        do {
            _ = try Deflate.decompress(bomb, expectedSize: nil, maxOutputBytes: 1 << 20)
            Issue.record("bomb accepted")
        } catch {
            #expect(error.code == .outputTooLarge)
        }
        #expect(throws: DeflateError.self) { try Deflate.decompress(bomb, expectedSize: 8 << 20, maxOutputBytes: 1 << 20) }
        // A declared size that no deflate stream of this length can reach is refused before
        // anything is allocated for it.
        #expect(throws: DeflateError.self) { try Deflate.decompress([0x78, 0x9C, 3, 0], expectedSize: 200 << 20) }
        #expect(try Deflate.decompress(bomb, expectedSize: nil, maxOutputBytes: 8 << 20) == zeros)
    }
}
