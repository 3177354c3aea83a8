import JWTAuditDetection
import JWTAuditModel
import JWTAuditTesting
import Testing

/// `exp`, `iat` and `nbf` are whatever 64-bit integers a client sent: detection must neither trap
/// (which stops the daemon) nor wrap (which turns a far future into a past).
@Suite("Extreme token times")
struct ExtremeTimeTests {
    @Test("accepted tokens with exp, iat and nbf at the ends of the 64-bit range are judged, not trapped on")
    func extremes() throws {
        let detection = DetectionHarness()
        var farFuture = TokenEvent.validate(at: 1)
        farFuture.expiresAt = .max
        farFuture.notBefore = .max
        farFuture.issuedAt = .max
        var farPast = TokenEvent.validate(at: 2)
        farPast.expiresAt = .min
        farPast.issuedAt = .min
        farPast.notBefore = .min
        var longest = TokenEvent.validate(at: 3)
        longest.issuedAt = .min
        longest.expiresAt = .max
        detection.feed([farFuture, farPast, longest])
        let checks = Set(detection.fired(.validatorMisconfig).compactMap { finding in
            finding.key.fields.first { $0.name == "check" }?.value
        })
        #expect(checks == ["not_yet_valid", "expired", "lifetime"])
        #expect(detection.fired(.clockSkew).count == 1, "an iat in the year 292 billion is in the future")
    }
}
