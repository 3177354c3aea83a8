import Testing

@testable import JWTAuditRetention

private let day: Int64 = 86_400_000_000
/// 2026-11-29T00:00:00Z, the manual clock's "now".
private let now: Int64 = 1_795_910_400_000_000

private func policy(holds: String = "[]") throws -> RetentionPolicy {
    let text = """
        {
          "version": 1, "frameworks": [],
          "policies": [
            {"name": "attacks", "match": {"outcome": "rejected", "reason": "bad_signature"},
             "online_days": 180, "keep_days": 730},
            {"name": "payments", "match": {"service": "payments"}, "online_days": 90, "keep_days": 1000}
          ],
          "default": {"online_days": 90, "keep_days": 400},
          "alerts": {"keep_days": 365}, "report_exports": {"keep_days": 365},
          "legal_holds": \(holds),
          "schedule": {"at": "03:00"}
        }
        """
    let policy = try RetentionPolicy.parse(Array(text.utf8), file: "t.json")
    try #require(policy.check().filter { $0.severity == .error }.isEmpty)
    return policy
}

/// A sealed block whose events are `daysOld` days old; the key filter holds exactly `services` and `subs`.
private func block(
    daysOld: Int64, spanDays: Int64 = 0, services: Set<String> = ["api"], subs: Set<String> = ["alice"],
    sealed: Bool = true
) -> RetentionBlock {
    let maxTs = now - daysOld * day
    return RetentionBlock(
        day: maxTs / day, id: 1, sequence: sealed ? 1 : nil, sealed: sealed, minTimestamp: maxTs - spanDays * day,
        maxTimestamp: maxTs, eventCount: 10
    ) { field, value in
        field == .service ? services.contains(value) : subs.contains(value)
    }
}

@Suite("RetentionPlanner decisions")
struct RetentionPlannerTests {
    @Test("a block is judged by the longest period of any policy that could match it")
    func longestPeriod() throws {
        let planner = RetentionPlanner(policy: try policy())
        // Without `payments` in the filter, attacks (730) is the longest; with it, payments (1000).
        #expect(planner.longestPeriod(for: block(daysOld: 1)).keepDays == 730)
        #expect(planner.longestPeriod(for: block(daysOld: 1, services: ["payments"])).keepDays == 1000)
        #expect(planner.longestPeriod(for: block(daysOld: 1)).onlineDays == 180)
    }

    @Test("online, archive and delete follow the newest event's age")
    func ages() throws {
        let planner = RetentionPlanner(policy: try policy())
        #expect(planner.decide(block(daysOld: 100), now: now).action == .keepOnline)
        #expect(planner.decide(block(daysOld: 179), now: now).action == .keepOnline)
        #expect(planner.decide(block(daysOld: 180), now: now).action == .archive)
        #expect(planner.decide(block(daysOld: 729), now: now).action == .archive)
        #expect(planner.decide(block(daysOld: 730), now: now).action == .delete)
        #expect(planner.decide(block(daysOld: 900, services: ["payments"]), now: now).action == .archive)
        #expect(planner.decide(block(daysOld: 1000, services: ["payments"]), now: now).action == .delete)
    }

    @Test("a block whose oldest event is past keep but newest is not is kept")
    func newestEventDecides() throws {
        let planner = RetentionPlanner(policy: try policy())
        #expect(planner.decide(block(daysOld: 700, spanDays: 100), now: now).action == .archive)
    }

    @Test("unsealed blocks are never archived or deleted")
    func unsealed() throws {
        let planner = RetentionPlanner(policy: try policy())
        #expect(planner.decide(block(daysOld: 5000, sealed: false), now: now).action == .keepOnline)
    }

    @Test("a legal hold on service and subject stops deletion only of blocks it could cover")
    func holds() throws {
        let holds = #"[{"id": "H-1", "reason": "dispute", "service": "api", "sub": "bob"}]"#
        let planner = RetentionPlanner(policy: try policy(holds: holds))
        let withBob = planner.decide(block(daysOld: 800, subs: ["alice", "bob"]), now: now)
        #expect(withBob.action == .archive)
        #expect(withBob.holds == ["H-1"])
        #expect(planner.decide(block(daysOld: 800, subs: ["alice"]), now: now).action == .delete)
        #expect(planner.decide(block(daysOld: 800, services: ["web"], subs: ["bob"]), now: now).action == .delete)
    }

    @Test("a legal hold's time range covers only blocks that overlap it")
    func holdTimeRange() throws {
        let holds = #"[{"id": "H-2", "reason": "audit", "from": "2024-01-01T00:00:00Z", "to": "2024-01-31T23:59:59Z"}]"#
        let planner = RetentionPlanner(policy: try policy(holds: holds))
        // 2024-01-15 is 1049 days before 2026-11-29; 2023-06-01 is 1277 days before.
        let inside = planner.decide(block(daysOld: 1049), now: now)
        #expect(inside.action == .archive)
        #expect(inside.holds == ["H-2"])
        #expect(planner.decide(block(daysOld: 1277), now: now).action == .delete)
    }

    @Test("without a key filter, a hold on a subject covers every block in its time range")
    func holdWithoutFilter() throws {
        let holds = #"[{"id": "H-3", "reason": "dispute", "sub": "bob"}]"#
        let planner = RetentionPlanner(policy: try policy(holds: holds))
        var unknown = block(daysOld: 800)
        unknown.mightContain = nil
        #expect(planner.decide(unknown, now: now).action == .archive)
        #expect(planner.longestPeriod(for: unknown).keepDays == 1000)
    }
}
