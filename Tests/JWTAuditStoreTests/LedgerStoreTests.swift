import JWTAuditDetection
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

@Suite struct LedgerStoreTests {
    @Test("the ledger written by one engine is loaded by the next, which still judges a superseded token as reuse")
    func roundTrip() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.path)
        try directory.prepare()
        let first = DetectionEngine()
        _ = first.process(
            [
                TokenEvent.lifecycle(.issue, at: 0, jti: "r1", family: "f1"),
                TokenEvent.lifecycle(.rotate, at: 1, jti: "r2", parent: "r1", family: "f1"),
                TokenEvent.lifecycle(.revoke, at: 2, family: nil, sub: "bob"),
            ], now: EventFactory.baseTime + 2_000_000)
        try LedgerStore(directory: directory).apply(first.takeLedgerChanges())

        let stored = try LedgerStore(directory: directory, readOnly: true).load()
        #expect(stored.tokens.count == 2)
        #expect(stored.revocations.map(\.value) == ["bob"])
        let restored = RefreshTokenLedger(tokens: stored.tokens, revocations: stored.revocations)
        #expect(restored.token("r1")?.state == .superseded)
        #expect(restored.token("r1")?.successor == "r2")
        let second = DetectionEngine(ledger: restored)
        // The daemon's timer ticks before the first event arrives: nothing may be pruned then.
        _ = second.advance(now: EventFactory.baseTime + 60_000_000)
        #expect(second.ledger.count == 3)
        let found = second.process(
            [TokenEvent.validate(at: 120, service: "auth", ip: "203.0.113.66", jti: "r1", type: .refresh)],
            now: EventFactory.baseTime + 120_000_000)
        #expect(found.map(\.rule) == ["refresh_token_reuse"])
    }
}
