import CryptoExtras
import Foundation
import JWTKit

/// Keys generated for one test run, and tokens signed with them: honest and forged.
struct TestTokens {
    /// The issuer's key pair; the service trusts its public half under kid `main`.
    let issuer: JWTKit.Insecure.RSA.PrivateKey
    /// Another key pair the service does not trust.
    let stranger: JWTKit.Insecure.RSA.PrivateKey

    init() throws {
        issuer = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
        stranger = try JWTKit.Insecure.RSA.PrivateKey(backing: _RSA.Signing.PrivateKey(keySize: .bits2048))
    }

    /// The issuer's public key in PEM.
    var publicKeyPEM: String { issuer.publicKey.pemRepresentation }

    /// Claims for tests: subject, expiry, optional not-before and audience.
    struct Claims: JWTPayload {
        var sub: SubjectClaim
        var exp: ExpirationClaim
        var nbf: NotBeforeClaim?
        var aud: AudienceClaim?

        func verify(using _: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
            try nbf?.verifyNotBefore()
            try aud?.verifyIntendedAudience(includes: "orders")
        }
    }

    static func claims(_ sub: String, expiresIn seconds: Double = 600, notBefore: Double? = nil, aud: String? = nil) -> Claims {
        Claims(
            sub: SubjectClaim(value: sub),
            exp: ExpirationClaim(value: Date().addingTimeInterval(seconds)),
            nbf: notBefore.map { NotBeforeClaim(value: Date().addingTimeInterval($0)) },
            aud: aud.map { AudienceClaim(value: [$0]) }
        )
    }

    /// RS256 with the issuer's key, kid `main`.
    func valid(_ claims: Claims) async throws -> String {
        try await JWTKeyCollection().add(rsa: issuer, digestAlgorithm: .sha256, kid: "main").sign(claims, kid: "main")
    }

    /// RS256 with a key the service does not know, under the trusted kid.
    func wrongKey(_ claims: Claims) async throws -> String {
        try await JWTKeyCollection().add(rsa: stranger, digestAlgorithm: .sha256, kid: "main").sign(claims, kid: "main")
    }

    /// `alg: none`, no signature.
    func unsigned(_ claims: Claims) async throws -> String {
        try await JWTKeyCollection().addUnsecuredNone().sign(claims)
    }

    /// HS256 with the issuer's public key PEM as the HMAC secret: the algorithm-confusion attack.
    func confused(_ claims: Claims) async throws -> String {
        try await JWTKeyCollection().add(hmac: HMACKey(from: publicKeyPEM), digestAlgorithm: .sha256, kid: "main")
            .sign(claims, kid: "main")
    }

    /// The keys a service trusting the issuer verifies with.
    func serviceKeys() async throws -> JWTKeyCollection {
        await JWTKeyCollection().add(rsa: issuer.publicKey, digestAlgorithm: .sha256, kid: "main")
    }
}
