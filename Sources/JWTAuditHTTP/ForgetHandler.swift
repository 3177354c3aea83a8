import JWTAuditStore

/// Carries out an erasure in the daemon: `(field, clear value, requested by)` to what was done.
/// Blocking; the API calls it on the thread pool.
public typealias ForgetHandler =
    @Sendable (_ field: PseudonymField, _ value: String, _ requestedBy: String) throws -> StoreEraser.Outcome
