import JWTAuditModel

/// The refresh-token lifecycle of DESIGN section 2: `issue`, `rotate` (the parent is superseded),
/// `revoke` (a `jti`, a `family` or a `sub`), and what a `validate` of a token means given that
/// history. Also keeps revoked access-token `jti`s for `token_replay`.
///
/// I/O-free: the engine persists ``takeChanges()`` and a restarted daemon rebuilds the ledger from
/// them. Entries go when their token's lifetime has passed; at capacity, those expiring first go
/// (counted in ``evictions``).
public final class RefreshTokenLedger {
    private var tokens: [String: LedgerToken] = [:]
    /// Revoked access tokens held in `tokens`: while there are none, accepted access tokens skip
    /// the lookup.
    private var revokedAccessCount = 0
    private var revocations: [LedgerRevocation.Scope: [String: LedgerRevocation]] = [.family: [:], .subject: [:]]
    private var changes: [LedgerChange] = []
    private let capacity: Int
    public private(set) var evictions = 0

    /// Lifetime assumed for a token whose events carry no `exp`: 30 days.
    public static let defaultLifetime: Int64 = 30 * 86_400 * 1_000_000

    public init(tokens: [LedgerToken] = [], revocations: [LedgerRevocation] = [], capacity: Int = 1_048_576) {
        self.capacity = max(capacity, 16)
        for token in tokens { self.setToken(token.tokenID, token) }
        for revocation in revocations { self.revocations[revocation.scope]![revocation.value] = revocation }
    }

    /// Tokens and revocations held.
    public var count: Int { tokens.count + revocations.values.reduce(0) { $0 + $1.count } }

    /// The token with `id`, if the ledger follows it.
    public func token(_ id: String) -> LedgerToken? { tokens[id] }

    /// Changes since the last call, in order.
    public func takeChanges() -> [LedgerChange] {
        defer { changes.removeAll(keepingCapacity: true) }
        return changes
    }

    /// What a validate of a followed refresh token amounts to.
    enum Verdict {
        /// The immediately previous token, within grace, from the client that rotated it.
        case race(LedgerToken)
        /// Superseded (not the benign race) or revoked.
        case reuse(LedgerToken, why: String)
    }

    // MARK: Lifecycle events

    /// Applies an `issue`, `rotate` or `revoke` event. For a `rotate` whose parent was already
    /// superseded or revoked, returns the verdict on the parent: the issuer let a spent token rotate.
    func apply(_ event: AuditEvent, grace: Int64) -> Verdict? {
        switch event.kind {
        case .issue:
            guard event.tokenType == .refresh, let id = event.tokenID else { return nil }
            store(newToken(id, event, family: event.family ?? id))
            return nil
        case .rotate:
            guard let id = event.tokenID, let parentID = event.parentTokenID else { return nil }
            var verdict: Verdict?
            var family = event.family
            if var parent = tokens[parentID] {
                family = family ?? parent.family
                verdict = classify(parent, event, grace: grace)
                if parent.state == .active {
                    parent.state = .superseded
                    parent.changedAt = event.timestamp
                    parent.successor = id
                    store(parent)
                }
            } else {
                var parent = newToken(parentID, event, family: family ?? parentID)
                parent.state = .superseded
                parent.successor = id
                parent.clientIP = nil
                parent.userAgent = nil
                store(parent)
            }
            store(newToken(id, event, family: family ?? parentID))
            return verdict
        case .revoke:
            revoke(event)
            return nil
        case .validate:
            return nil
        }
    }

    private func revoke(_ event: AuditEvent) {
        let expires = event.timestamp &+ Self.defaultLifetime
        if let id = event.tokenID {
            var token = tokens[id] ?? newToken(id, event, family: event.family)
            token.state = .revoked
            token.changedAt = event.timestamp
            if event.tokenType == .access, let exp = event.expiresAt {
                token.expiresAt = max(token.expiresAt, exp &* 1_000_000)
            }
            store(token)
        } else if let family = event.family {
            store(LedgerRevocation(scope: .family, value: family, revokedAt: event.timestamp, expiresAt: expires))
        } else if let subject = event.subject {
            store(LedgerRevocation(scope: .subject, value: subject, revokedAt: event.timestamp, expiresAt: expires))
        }
    }

    // MARK: Validation

    /// The verdict on a `validate` of a refresh token, or `nil` when nothing is wrong or the token
    /// is not followed.
    func judge(_ event: AuditEvent, grace: Int64) -> Verdict? {
        guard let id = event.tokenID else { return nil }
        guard let token = tokens[id] else {
            return unfollowed(id, event)
        }
        return classify(token, event, grace: grace)
    }

    /// A token the ledger does not follow is reused only if its family or subject was revoked after
    /// it was issued.
    private func unfollowed(_ id: String, _ event: AuditEvent) -> Verdict? {
        guard let revocation = revocation(family: event.family, subject: event.subject),
            (event.issuedAt.map { $0 &* 1_000_000 } ?? .min) <= revocation.revokedAt
        else { return nil }
        let ghost = newToken(id, event, family: event.family)
        return .reuse(ghost, why: "its \(revocation.scope == .family ? "family" : "subject") was revoked")
    }

    /// The verdict on presenting `token` again in `event` (a validate, or a rotate of it).
    private func classify(_ token: LedgerToken, _ event: AuditEvent, grace: Int64) -> Verdict? {
        if token.state == .revoked { return .reuse(token, why: "it was revoked") }
        if isRevoked(token) {
            return .reuse(token, why: "its \(token.family != nil ? "family" : "subject") was revoked")
        }
        guard token.state == .superseded else { return nil }
        if let successorID = token.successor, let successor = tokens[successorID], successor.state == .active,
            abs(event.timestamp - token.changedAt) <= grace, successor.clientIP != nil,
            event.clientIP == successor.clientIP, event.userAgent == successor.userAgent
        {
            return .race(token)
        }
        return .reuse(token, why: "it was superseded")
    }

    /// Whether an accepted access token `id` had been revoked before `time`.
    func revokedAccess(_ id: String, at time: Int64) -> LedgerToken? {
        guard revokedAccessCount > 0, let token = tokens[id], token.tokenType == .access, token.state == .revoked, token.changedAt <= time
        else { return nil }
        return token
    }

    private func isRevoked(_ token: LedgerToken) -> Bool {
        guard let revocation = revocation(family: token.family, subject: token.subject) else { return false }
        return token.issuedAt <= revocation.revokedAt
    }

    private func revocation(family: String?, subject: String?) -> LedgerRevocation? {
        if let family, let revocation = revocations[.family]![family] { return revocation }
        if let subject, let revocation = revocations[.subject]![subject] { return revocation }
        return nil
    }

    // MARK: Storage

    private func newToken(_ id: String, _ event: AuditEvent, family: String?) -> LedgerToken {
        let expires = event.expiresAt.map { $0 &* 1_000_000 } ?? event.timestamp &+ Self.defaultLifetime
        return LedgerToken(
            tokenID: id, tokenType: event.tokenType, family: family, subject: event.subject, state: .active,
            issuedAt: event.timestamp, changedAt: event.timestamp, successor: nil, expiresAt: expires,
            clientIP: event.clientIP, userAgent: event.userAgent
        )
    }

    private func store(_ token: LedgerToken) {
        if tokens[token.tokenID] == nil && count >= capacity { evictEarliest() }
        setToken(token.tokenID, token)
        changes.append(.upsertToken(token))
    }

    /// Sets or removes a token, keeping ``revokedAccessCount`` right.
    private func setToken(_ id: String, _ token: LedgerToken?) {
        let counted = { (token: LedgerToken?) in token.map { $0.tokenType == .access && $0.state == .revoked } ?? false }
        let before = counted(tokens[id])
        tokens[id] = token
        revokedAccessCount += (counted(token) ? 1 : 0) - (before ? 1 : 0)
    }

    private func store(_ revocation: LedgerRevocation) {
        revocations[revocation.scope]![revocation.value] = revocation
        changes.append(.upsertRevocation(revocation))
    }

    private func evictEarliest() {
        let cutoff = tokens.values.map(\.expiresAt).sorted()[tokens.count / 10]
        for (id, token) in tokens where token.expiresAt <= cutoff {
            setToken(id, nil)
            changes.append(.removeToken(id))
            evictions += 1
        }
    }

    /// Drops tokens and revocations whose lifetime ended before `time`.
    func prune(before time: Int64) {
        for (id, token) in tokens where token.expiresAt < time {
            setToken(id, nil)
            changes.append(.removeToken(id))
        }
        for scope in [LedgerRevocation.Scope.family, .subject] {
            for (value, revocation) in revocations[scope]! where revocation.expiresAt < time {
                revocations[scope]!.removeValue(forKey: value)
                changes.append(.removeRevocation(scope, value))
            }
        }
    }

    /// Blanks `clientIP` in every token that carries it (erasure of an address); the tokens stay,
    /// so their reuse is still caught.
    public func forget(clientIP: String) {
        for (id, token) in tokens where token.clientIP == clientIP {
            var blanked = token
            blanked.clientIP = nil
            setToken(id, blanked)
            changes.append(.upsertToken(blanked))
        }
    }

    /// Drops everything known about `subject` (GDPR erasure of detection state).
    public func forget(subject: String) {
        for (id, token) in tokens where token.subject == subject {
            setToken(id, nil)
            changes.append(.removeToken(id))
        }
        if revocations[.subject]!.removeValue(forKey: subject) != nil {
            changes.append(.removeRevocation(.subject, subject))
        }
    }
}
