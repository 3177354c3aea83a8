import JWTAuditClient
import JWTKit

/// Maps the errors of a jwt-kit 5 verification to the protocol's reasons.
///
/// | jwt-kit error | reason |
/// | --- | --- |
/// | `claimVerificationFailure` on `ExpirationClaim` | `expired` |
/// | `claimVerificationFailure` on `NotBeforeClaim` | `not_yet_valid` |
/// | `claimVerificationFailure` on `AudienceClaim` | `audience_mismatch` |
/// | `claimVerificationFailure` on `IssuerClaim` | `issuer_mismatch` |
/// | any other `claimVerificationFailure` | `claims_invalid` |
/// | `signatureVerificationFailed`, `signingAlgorithmFailure` | `bad_signature` |
/// | `unknownKID`, `missingKIDHeader`, `noKeyProvided` | `key_unknown` |
/// | `unsupportedAlgorithm` | `alg_not_allowed` |
/// | `malformedToken`, `invalidHeaderField`, `invalidBool`, a `DecodingError` | `malformed` |
/// | a ``JWTAuditRefusal`` | its own reason |
/// | anything else | `other` |
///
/// jwt-kit 5 itself neither refuses `alg: none` nor compares the header's `alg` with the key's
/// (both come out as `bad_signature`); ``AuditedJWTVerifier`` checks them first, so that those
/// attacks are reported as `alg_none` and `alg_not_allowed`.
public enum JWTKitReasons {
    /// The reason for `error`.
    public static func reason(for error: any Error) -> JWTAuditEvent.Reason {
        if let refusal = error as? JWTAuditRefusal { return refusal.reason }
        if error is DecodingError { return .malformed }
        guard let error = error as? JWTError else { return .other }
        switch error.errorType {
        case .claimVerificationFailure:
            switch error.failedClaim {
            case is ExpirationClaim: return .expired
            case is NotBeforeClaim: return .notYetValid
            case is AudienceClaim: return .audienceMismatch
            case is IssuerClaim: return .issuerMismatch
            default: return .claimsInvalid
            }
        case .signatureVerificationFailed, .signingAlgorithmFailure:
            return .badSignature
        case .unknownKID, .missingKIDHeader, .noKeyProvided:
            return .keyUnknown
        case .unsupportedAlgorithm:
            return .algNotAllowed
        case .malformedToken, .invalidHeaderField, .invalidBool:
            return .malformed
        default:
            return .other
        }
    }
}
