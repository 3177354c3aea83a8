import Foundation
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

@Suite("StoreVerifier")
struct StoreVerifierTests {
    @Test("an intact store verifies, counting blocks, events, unsealed events and checkpoints")
    func intact() throws {
        let fixture = try IntegrityFixture()
        try fixture.writeBlocks(6)
        try fixture.checkpointer().checkpoint(now: 2_000)
        try fixture.writeBlocks(2, first: 7)
        let report = try fixture.verify()
        #expect(report.isIntact, "\(report.failure.map(String.init(describing:)) ?? "")")
        #expect(report.blocks == 8)
        #expect(report.events == 24)
        #expect(report.storeCheckpoints == 1)
        #expect(report.fileCheckpoints == 1)
        #expect(report.checkpointRange == 6...6)
        #expect(report.uncoveredBlocks == 2)
        #expect(report.partitions.count == 2)
    }

    @Test("blocks are chained in seal order across partitions: sequence numbers 1…n, each linked to the one before")
    func chainAcrossPartitions() throws {
        let fixture = try IntegrityFixture()
        try fixture.writeBlocks(5)
        var links: [(Int64, [UInt8], [UInt8])] = []
        for day in try fixture.directory.partitionDays() {
            let connection = try SQLiteConnection(path: fixture.directory.partitionPath(day), readOnly: true)
            let statement = try connection.prepare("SELECT seq, prev_hash, hash FROM blocks")
            while try statement.step() { links.append((statement.int64(0), statement.blob(1), statement.blob(2))) }
        }
        links.sort { $0.0 < $1.0 }
        #expect(links.map(\.0) == [1, 2, 3, 4, 5])
        #expect(links[0].1 == [UInt8](repeating: 0, count: 32))
        for index in 1..<links.count { #expect(links[index].1 == links[index - 1].2) }
    }

    @Test("unsealed blocks are outside the chain until sealed, and counted apart")
    func unsealed() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        let writer = try EventWriter(directory: directory)
        try writer.write((0..<5).map { EventFactory.event($0) }, now: 0)
        var report = try StoreVerifier(directory: directory).verify()
        #expect(report.isIntact)
        #expect(report.blocks == 0)
        #expect(report.unsealedEvents == 5)
        try writer.close(now: 0)
        report = try StoreVerifier(directory: directory).verify()
        #expect(report.blocks == 1)
        #expect(report.events == 5)
        #expect(report.unsealedEvents == 0)
    }

    @Test(
        "each kind of damage is named with the first bad block",
        arguments: [
            (
                "UPDATE blocks SET data = CAST(substr(data, 1, 9) || x'00' || substr(data, 11) AS BLOB) WHERE seq = 3",
                IntegrityFailure.Kind.altered, Int64(3)
            ),
            ("UPDATE blocks SET keys = CAST(x'00' || substr(keys, 2) AS BLOB) WHERE seq = 5", .altered, 5),
            ("UPDATE blocks SET event_count = event_count - 1 WHERE seq = 3", .altered, 3),
            ("DELETE FROM blocks WHERE seq = 3", .missing, 3),
            (
                "UPDATE blocks SET seq = -seq WHERE seq IN (3, 5); UPDATE blocks SET seq = 8 - abs(seq) WHERE seq < 0",
                .reordered, 3
            ),
            ("UPDATE blocks SET hash = zeroblob(32) WHERE seq = 5", .altered, 5),
        ])
    func damage(sql: String, kind: IntegrityFailure.Kind, sequence: Int64) throws {
        let fixture = try IntegrityFixture()
        try fixture.writeBlocks(6)
        try fixture.checkpointer().checkpoint(now: 2_000)
        #expect(try fixture.verify().isIntact)
        try fixture.tamper(dayOffset: 1, sql)
        let failure = try #require(try fixture.verify().failure)
        #expect(failure.kind == kind, "\(failure)")
        #expect(failure.sequence == sequence, "\(failure)")
    }

    @Test("cutting off the newest blocks is seen through a checkpoint that covers them")
    func truncatedTail() throws {
        let fixture = try IntegrityFixture()
        try fixture.writeBlocks(6)
        try fixture.checkpointer().checkpoint(now: 2_000)
        try fixture.tamper(dayOffset: 0, "DELETE FROM blocks WHERE seq = 6")
        try fixture.tamper(dayOffset: 1, "DELETE FROM blocks WHERE seq = 5")
        let failure = try #require(try fixture.verify().failure)
        #expect(failure.kind == .truncatedTail)
        #expect(failure.sequence == 5)
    }

    @Test("a changed checkpoint in the file, or one signed by an unknown key, is a bad signature")
    func badSignature() throws {
        let fixture = try IntegrityFixture()
        try fixture.writeBlocks(4)
        let checkpoint = try #require(try fixture.checkpointer().checkpoint(now: 2_000))
        var forged = checkpoint
        forged.treeSize = 3
        try (forged.jsonLine + "\n").write(toFile: fixture.checkpointFile, atomically: true, encoding: .utf8)
        #expect(try fixture.verify().failure?.kind == .badSignature)

        let stranger = Checkpoint.sign(
            treeSize: checkpoint.treeSize, root: checkpoint.root, head: checkpoint.head, time: checkpoint.time,
            key: Ed25519PrivateKey.generate().key)
        try (stranger.jsonLine + "\n").write(toFile: fixture.checkpointFile, atomically: true, encoding: .utf8)
        let failure = try #require(try fixture.verify().failure)
        #expect(failure.kind == .badSignature)
        #expect(failure.detail.contains(stranger.keyID))
    }

    @Test("with --key, checkpoints signed by keys not given are refused")
    func trustedKeys() throws {
        let fixture = try IntegrityFixture()
        try fixture.writeBlocks(2)
        let checkpointer = try fixture.checkpointer()
        try checkpointer.checkpoint(now: 2_000)
        var verifier = StoreVerifier(directory: fixture.directory)
        verifier.trustedKeys = [checkpointer.publicKey]
        #expect(try verifier.verify().isIntact)
        #expect(try verifier.verify().keysFromStore == false)
        verifier.trustedKeys = [Ed25519PrivateKey.generate().key.publicKey]
        #expect(try verifier.verify().failure?.kind == .badSignature)
    }

    @Test("a store written before the chain is chained when the writer opens it, and then verifies")
    func migration() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        var configuration = StoreConfiguration()
        configuration.sealThreshold = 1
        do {
            let writer = try EventWriter(directory: directory, configuration: configuration)
            for index in 0..<3 { try writer.write([EventFactory.event(index, dayOffset: index % 2)], now: 0) }
        }
        for day in try directory.partitionDays() {
            try SQLiteConnection(path: directory.partitionPath(day)).execute(
                """
                DROP INDEX blocks_seq; ALTER TABLE blocks DROP COLUMN seq; ALTER TABLE blocks DROP COLUMN prev_hash;
                ALTER TABLE blocks DROP COLUMN hash; PRAGMA user_version = 1;
                """)
        }
        #expect(throws: IntegrityError.self) { try StoreVerifier(directory: directory).verify() }
        let writer = try EventWriter(directory: directory, configuration: configuration)
        try writer.write([EventFactory.event(3)], now: 0)
        let report = try StoreVerifier(directory: directory).verify()
        #expect(report.isIntact, "\(report.failure.map(String.init(describing:)) ?? "")")
        #expect(report.blocks == 4)
        #expect(try EventSearch(directory: directory).collect(EventQuery()).count == 4)
    }
}
