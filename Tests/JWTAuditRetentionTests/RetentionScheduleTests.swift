import Testing

@testable import JWTAuditRetention

@Suite("Retention schedule")
struct RetentionScheduleTests {
    let hour: Int64 = 3_600_000_000
    /// 2026-11-29T00:00:00Z in microseconds.
    let midnight: Int64 = 1_795_910_400_000_000

    @Test("a daily time runs later today when it has not passed, else tomorrow (UTC)")
    func daily() {
        let schedule = RetentionSchedule.daily(hour: 3, minute: 15)
        let at0315 = midnight + 3 * hour + 15 * 60_000_000
        #expect(schedule.next(after: midnight + hour, previous: nil) == at0315)
        #expect(schedule.next(after: at0315, previous: at0315) == at0315 + 24 * hour)
        #expect(schedule.next(after: midnight + 20 * hour, previous: nil) == at0315 + 24 * hour)
    }

    @Test("every_minutes counts from the previous run, or from the start")
    func every() {
        let schedule = RetentionSchedule.every(minutes: 90)
        #expect(schedule.next(after: midnight, previous: nil) == midnight + 90 * 60_000_000)
        #expect(schedule.next(after: midnight + hour, previous: midnight) == midnight + 90 * 60_000_000)
        #expect(schedule.next(after: midnight + 2 * hour, previous: midnight) == midnight + 2 * hour)
    }
}
