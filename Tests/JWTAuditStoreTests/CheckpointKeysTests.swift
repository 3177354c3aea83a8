import Foundation
import JWTAuditCrypto
import JWTAuditStore
import JWTAuditTesting
import Testing

@Suite("CheckpointKeys")
struct CheckpointKeysTests {
    @Test("the signing key is created 0600 at first start, kept, and refused when group or others may read it")
    func created() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        let key = try CheckpointKeys.loadOrCreate(in: directory, now: 1)
        let path = CheckpointKeys.path(in: directory)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        #expect(try CheckpointKeys.loadOrCreate(in: directory, now: 2).publicKey == key.publicKey)
        chmod(path, 0o640)
        #expect(throws: (any Error).self) { try CheckpointKeys.loadOrCreate(in: directory, now: 3) }
        #expect(throws: (any Error).self) { try Checkpointer(directory: directory, externalFile: nil, now: 3) }
    }

    @Test("rotation keeps the old public key, so older checkpoints still verify; the new key file is 0600")
    func rotation() throws {
        let fixture = try IntegrityFixture()
        try fixture.writeBlocks(2)
        let old = try fixture.checkpointer().publicKey
        try fixture.checkpointer().checkpoint(now: 2_000)
        let (retired, current) = try CheckpointKeys.rotate(in: fixture.directory, now: 3_000)
        #expect(retired == old)
        #expect(current != old)
        let path = CheckpointKeys.path(in: fixture.directory)
        #expect((try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int) == 0o600)
        try fixture.writeBlocks(2, first: 3)
        let checkpointer = try fixture.checkpointer(now: 4_000)
        #expect(checkpointer.publicKey == current)
        try checkpointer.checkpoint(now: 5_000)

        let records = try CheckpointStore(directory: fixture.directory, readOnly: true).keys()
        #expect(records.map(\.key) == [old, current])
        #expect(records[0].retiredAt == 3_000)
        #expect(records[1].retiredAt == nil)
        let report = try fixture.verify()
        #expect(report.isIntact)
        #expect(Set(report.keyIDs) == [old.keyID, current.keyID])

        var verifier = StoreVerifier(directory: fixture.directory)
        verifier.trustedKeys = [current]
        #expect(try verifier.verify().failure?.kind == .badSignature)
        verifier.trustedKeys = [old, current]
        #expect(try verifier.verify().isIntact)
    }
}
