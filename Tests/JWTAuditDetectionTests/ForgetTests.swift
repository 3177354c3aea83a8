import JWTAuditDetection
import JWTAuditModel
import JWTAuditTesting
import Testing

/// Erasure of detection state (`jwtaudit forget`): what the engine knew about a value is gone.
@Suite struct ForgetTests {
    private func guesses(_ detection: DetectionHarness, sub: String, ip: String) {
        detection.feed((0..<5).map {
            TokenEvent.validate(at: Double($0) * 30, outcome: .rejected, reason: .badSignature, ip: ip, sub: sub)
        })
    }

    @Test("after forget(subject:), an acceptance no longer completes failures_then_success for earlier failures")
    func subjectWindowsForgotten() {
        let control = DetectionHarness()
        guesses(control, sub: "ps:carol", ip: "ps:a1")
        control.feed(TokenEvent.validate(at: 200, ip: "ps:other", sub: "ps:carol"))
        #expect(control.fired(.failuresThenSuccess).map(\.key) == [AlertKey("sub", "ps:carol")])

        let detection = DetectionHarness()
        guesses(detection, sub: "ps:carol", ip: "ps:a1")
        detection.engine.forget(.sub, value: "ps:carol")
        detection.feed(TokenEvent.validate(at: 200, ip: "ps:other", sub: "ps:carol"))
        #expect(detection.fired(.failuresThenSuccess).isEmpty)
    }

    @Test("after forget of a client_ip, its failures no longer count, and ledger tokens lose the address")
    func addressForgotten() {
        let detection = DetectionHarness()
        guesses(detection, sub: "ps:dave", ip: "ps:addr")
        detection.engine.forget(.sub, value: "ps:dave")
        detection.engine.forget(.clientIP, value: "ps:addr")
        detection.feed(TokenEvent.validate(at: 200, ip: "ps:addr", sub: "ps:erin"))
        #expect(detection.fired(.failuresThenSuccess).isEmpty)

        let control = DetectionHarness()
        guesses(control, sub: "ps:dave", ip: "ps:addr")
        control.engine.forget(.sub, value: "ps:dave")
        control.feed(TokenEvent.validate(at: 200, ip: "ps:addr", sub: "ps:erin"))
        #expect(control.fired(.failuresThenSuccess).map(\.key) == [AlertKey("client_ip", "ps:addr")])

        let ledger = RefreshTokenLedger(tokens: [
            LedgerToken(
                tokenID: "r1", tokenType: .refresh, family: "f", subject: "ps:s", state: .active, issuedAt: 0,
                changedAt: 0, successor: nil, expiresAt: .max, clientIP: "ps:addr", userAgent: nil)
        ])
        ledger.forget(clientIP: "ps:addr")
        #expect(ledger.count == 1)
        guard case .upsertToken(let token)? = ledger.takeChanges().last else {
            Issue.record("no ledger change to persist")
            return
        }
        #expect(token.clientIP == nil && token.tokenID == "r1")
    }
}
