import JWTAuditModel

/// `refresh_token_reuse` and `refresh_race`, from the ``RefreshTokenLedger``: a validate of a
/// superseded or revoked refresh token is reuse (`critical` when the service accepted it), except
/// the benign race: the immediately previous token, within `grace`, from the same `client_ip` and
/// `user_agent` as the rotation, reported `low`. Also feeds lifecycle events to the ledger and
/// reports `token_replay` for an access token accepted after its revocation.
final class RefreshReuseDetector: Detector {
    private var reuse: RuleSettings
    private var race: RuleSettings
    private var replay: RuleSettings
    let ledger: RefreshTokenLedger

    init(rules: RuleSet, ledger: RefreshTokenLedger) {
        self.ledger = ledger
        reuse = rules.settings(.refreshTokenReuse)
        race = rules.settings(.refreshRace)
        replay = rules.settings(.tokenReplay)
    }

    func apply(_ rules: RuleSet) {
        reuse = rules.settings(.refreshTokenReuse)
        race = rules.settings(.refreshRace)
        replay = rules.settings(.tokenReplay)
    }

    var keyCount: Int { ledger.count }
    var evictions: Int { ledger.evictions }

    func observe(_ event: AuditEvent, _ context: inout DetectionContext) {
        guard event.kind == .validate else {
            let grace = reuse.read(for: event.service) { $0.grace }
            if let verdict = ledger.apply(event, grace: grace) { report(verdict, event, accepted: true, &context) }
            return
        }
        guard event.tokenID != nil else { return }
        switch event.tokenType {
        case .refresh:
            let grace = reuse.read(for: event.service) { $0.grace }
            if let verdict = ledger.judge(event, grace: grace) {
                report(verdict, event, accepted: event.outcome == .accepted, &context)
            }
        case .access:
            guard event.outcome == .accepted, let token = ledger.revokedAccess(event.tokenID!, at: event.timestamp)
            else { return }
            let parameters = replay.parameters(for: event.service)
            guard parameters.enabled else { return }
            context.findings.report(
                .tokenReplay, parameters, severity: .critical, key: AlertKey("jti", token.tokenID), event: event,
                summary: "service \(event.service) accepted access token \(token.tokenID) after its revocation"
            )
        case .id:
            return
        }
    }

    private func report(
        _ verdict: RefreshTokenLedger.Verdict, _ event: AuditEvent, accepted: Bool, _ context: inout DetectionContext
    ) {
        switch verdict {
        case .race(let token):
            let parameters = race.parameters(for: event.service)
            guard parameters.enabled else { return }
            context.findings.report(
                .refreshRace, parameters, key: Self.key(token), event: event,
                summary: "the previous refresh token of family \(token.family ?? token.tokenID) was presented "
                    + "again within the grace period by the same client: a benign double refresh"
            )
        case .reuse(let token, let why):
            let parameters = reuse.parameters(for: event.service)
            guard parameters.enabled else { return }
            context.findings.report(
                .refreshTokenReuse, parameters, severity: accepted ? .critical : nil, key: Self.key(token),
                event: event,
                summary: "refresh token \(token.tokenID) presented after \(why)"
                    + (accepted ? "; \(event.service) accepted it" : "")
            )
        }
    }

    private static func key(_ token: LedgerToken) -> AlertKey {
        var fields = [AlertKey.Field("family", token.family ?? token.tokenID)]
        if let subject = token.subject { fields.append(AlertKey.Field("sub", subject)) }
        return AlertKey(fields)
    }

    func tick(_ context: inout DetectionContext) {
        if context.pruning { ledger.prune(before: context.horizon(0)) }
    }
}
