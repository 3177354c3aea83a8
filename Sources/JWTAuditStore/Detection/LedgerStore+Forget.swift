import JWTAuditDetection

extension LedgerStore {
    /// Drops the persisted ledger's state about `value` of `field` with the daemon stopped (the
    /// running daemon does it through ``DetectionEngine/forget(_:value:)``): a subject's tokens
    /// and its subject-wide revocation are deleted; an address is blanked in the tokens that
    /// carry it (the tokens stay, so a later reuse of them is still caught).
    public func forget(_ field: PseudonymField, value: String) throws {
        try connection.transaction {
            switch field {
            case .subject:
                let tokens = try connection.prepare("DELETE FROM ledger_tokens WHERE sub = ?")
                tokens.bind(1, value)
                try tokens.step()
                let revocations = try connection.prepare("DELETE FROM ledger_revocations WHERE scope = ? AND value = ?")
                revocations.bind(1, Int64(LedgerRevocation.Scope.subject.rawValue))
                revocations.bind(2, value)
                try revocations.step()
            case .clientIP:
                let tokens = try connection.prepare("UPDATE ledger_tokens SET client_ip = NULL WHERE client_ip = ?")
                tokens.bind(1, value)
                try tokens.step()
            }
        }
        try finish()
    }
}
