import Foundation
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

@Suite("Checkpointer")
struct CheckpointerTests {
    @Test("signs only when the tree grew, records in the store and appends the same line to the file")
    func signsWhenGrown() throws {
        let fixture = try IntegrityFixture()
        let checkpointer = try fixture.checkpointer()
        #expect(try checkpointer.checkpoint(now: 1_000) == nil)
        try fixture.writeBlocks(3)
        let first = try #require(try checkpointer.checkpoint(now: 2_000))
        #expect(first.treeSize == 3)
        #expect(first.isSigned(by: checkpointer.publicKey))
        #expect(try checkpointer.checkpoint(now: 3_000, full: true) == nil)
        try fixture.writeBlocks(2, first: 4)
        let second = try #require(try checkpointer.checkpoint(now: 4_000))
        #expect(second.treeSize == 5)
        let lines = try CheckpointFile.read(fixture.checkpointFile).map { try $0.checkpoint.get() }
        #expect(lines == [first, second])
        #expect(try CheckpointStore(directory: fixture.directory, readOnly: true).all() == [first, second])
    }

    @Test("after a restart it resumes from the stored frontier: the next root covers old and new blocks")
    func resumes() throws {
        let fixture = try IntegrityFixture()
        try fixture.writeBlocks(5)
        try fixture.checkpointer().checkpoint(now: 2_000)
        try fixture.writeBlocks(4, first: 6)
        let restarted = try fixture.checkpointer(now: 3_000)
        #expect(restarted.startupProblem == nil)
        let checkpoint = try #require(try restarted.checkpoint(now: 4_000))
        #expect(checkpoint.treeSize == 9)
        #expect(try fixture.verify().isIntact)
    }

    @Test("at start, a changed last-checkpointed block is reported; a chain that does not link is not signed")
    func refusesBrokenChain() throws {
        let fixture = try IntegrityFixture()
        try fixture.writeBlocks(4)
        try fixture.checkpointer().checkpoint(now: 2_000)
        try fixture.tamper(dayOffset: 0, "UPDATE blocks SET hash = zeroblob(32) WHERE seq = 4")
        #expect(try fixture.checkpointer(now: 3_000).startupProblem != nil)

        let other = try IntegrityFixture()
        try other.writeBlocks(2)
        let checkpointer = try other.checkpointer()
        try other.tamper(dayOffset: 0, "UPDATE blocks SET prev_hash = zeroblob(32) WHERE seq = 2")
        #expect(throws: IntegrityError.self) { try checkpointer.checkpoint(now: 2_000) }
        #expect(try CheckpointStore(directory: other.directory, readOnly: true).all().isEmpty)
    }

    @Test("the external file defaults to jwtaudit-checkpoints.ndjson beside the data folder")
    func defaultPath() {
        #expect(CheckpointFile.defaultPath(besideDataFolder: "./jwtaudit-data") == "./jwtaudit-checkpoints.ndjson")
        #expect(
            CheckpointFile.defaultPath(besideDataFolder: "/var/lib/jwtaudit/data/")
                == "/var/lib/jwtaudit/jwtaudit-checkpoints.ndjson")
        #expect(CheckpointFile.defaultPath(besideDataFolder: "data") == "jwtaudit-checkpoints.ndjson")
    }

    @Test("a checkpoint line round-trips, and its signed message is the documented text")
    func lineFormat() throws {
        let key = try Ed25519PrivateKey(seed: [UInt8](repeating: 7, count: 32))
        let checkpoint = Checkpoint.sign(
            treeSize: 42, root: [UInt8](repeating: 1, count: 32), head: [UInt8](repeating: 2, count: 32),
            time: EventFactory.baseTime, key: key)
        #expect(try Checkpoint(line: checkpoint.jsonLine) == checkpoint)
        #expect(
            String(decoding: checkpoint.signedMessage, as: UTF8.self)
                == "jwtaudit checkpoint v1\ntree_size 42\nroot \(String(repeating: "01", count: 32))\n"
                + "head \(String(repeating: "02", count: 32))\ntime 2026-11-29T00:00:00Z\nkey \(key.publicKey.keyID)\n")
        #expect(throws: CheckpointFormatError.self) { try Checkpoint(line: "{\"v\":1}") }
    }
}
