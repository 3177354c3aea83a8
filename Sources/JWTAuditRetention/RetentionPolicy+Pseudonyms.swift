import JWTAuditStore

extension RetentionPolicy {
    /// The policy with each legal hold on a `sub` also covering the values the store holds for it:
    /// in a pseudonymised store a subject's events carry its pseudonym, which the hold's clear
    /// value would never match in a key filter. A hold whose subject has no key (never seen, or
    /// forgotten) keeps only its clear value.
    public func holdsTranslated(_ lookup: PseudonymLookup) throws -> RetentionPolicy {
        guard lookup.pseudonymises(.subject) else { return self }
        var translated = self
        translated.legalHolds = try legalHolds.flatMap { hold -> [LegalHold] in
            guard let sub = hold.sub else { return [hold] }
            let values = try lookup.storedValues(.subject, sub)
            return [hold] + values.filter { $0 != sub }.map { value in
                var copy = hold
                copy.sub = value
                return copy
            }
        }
        return translated
    }
}
