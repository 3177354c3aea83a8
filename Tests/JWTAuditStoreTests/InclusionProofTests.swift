import Foundation
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

@Suite("InclusionProof")
struct InclusionProofTests {
    /// A store of 5 blocks under a checkpoint, the signer's key, and a proof for event 1 of block 3.
    private func made() throws -> (IntegrityFixture, Ed25519PublicKey, InclusionProof) {
        let fixture = try IntegrityFixture()
        try fixture.writeBlocks(5)
        let checkpointer = try fixture.checkpointer()
        try checkpointer.checkpoint(now: 2_000)
        let located = try #require(
            try {
                var found: (AuditEvent, EventLocation)?
                try EventSearch(directory: fixture.directory).runLocated(EventQuery()) { event, location in
                    if location?.block == 3 && location?.index == 1 { found = (event, location!) }
                }
                return found
            }())
        #expect(located.0.tokenID == "jti-1-10")
        let proof = try InclusionProof.make(directory: fixture.directory, location: located.1)
        return (fixture, checkpointer.publicKey, proof)
    }

    @Test("a proof written to JSON and read back verifies and yields the event")
    func roundTrip() throws {
        let (_, key, proof) = try made()
        let read = try InclusionProof(json: Array(proof.json.utf8))
        let event = try read.verify(keys: [key])
        #expect(event.tokenID == "jti-1-10")
        #expect(read.location.description == proof.location.description)
    }

    @Test("a proof with a changed event, payload, path, checkpoint or key fails")
    func tampered() throws {
        let (_, key, proof) = try made()
        var changedEvent = proof
        changedEvent.event = try PositionedJSON.parse(Array("{\"v\":1,\"ts\":\"2026-11-30T00:00:30Z\"}".utf8))
        #expect(throws: IntegrityError.self) { try changedEvent.verify(keys: [key]) }

        let text = proof.json.replacingOccurrences(of: "jti-1-10", with: "jti-1-99")
        #expect(throws: IntegrityError.self) { try InclusionProof(json: Array(text.utf8)).verify(keys: [key]) }

        var changedPayload = proof
        changedPayload.payload[changedPayload.payload.count / 2] ^= 1
        #expect(throws: IntegrityError.self) { try changedPayload.verify(keys: [key]) }

        var changedPath = proof
        changedPath.path[0][0] ^= 1
        #expect(throws: IntegrityError.self) { try changedPath.verify(keys: [key]) }

        var changedCheckpoint = proof
        changedCheckpoint.checkpoint.time += 1
        #expect(throws: IntegrityError.self) { try changedCheckpoint.verify(keys: [key]) }

        #expect(throws: IntegrityError.self) { try proof.verify(keys: [Ed25519PrivateKey.generate().key.publicKey]) }
    }

    @Test("event references read and print as DAY:BLOCK:INDEX; malformed ones are refused")
    func references() {
        #expect(EventLocation("2026-11-29:17:3")?.description == "2026-11-29:17:3")
        for bad in ["2026-11-29:17", "2026-11-29:0:3", "2026-11-29:17:-1", "29-11-2026:17:3", "x:1:2", ""] {
            #expect(EventLocation(bad) == nil, "\(bad)")
        }
    }

    @Test("a block not yet under a checkpoint has no proof")
    func uncovered() throws {
        let fixture = try IntegrityFixture()
        try fixture.writeBlocks(2)
        _ = try fixture.checkpointer()
        let location = EventLocation(day: PartitionDay(containing: EventFactory.baseTime), block: 2, index: 0)
        #expect(throws: IntegrityError.self) {
            try InclusionProof.make(directory: fixture.directory, location: location)
        }
    }
}
