extension RetentionSchedule {
    /// When the job next runs after `now` (µs since the epoch): `every_minutes` after the previous
    /// run (`previous`, or `now` at the daemon's start), or the next `at` time of day, UTC, strictly
    /// after `now`.
    public func next(after now: Int64, previous: Int64?) -> Int64 {
        switch self {
        case .every(let minutes):
            return max(now, (previous ?? now) + Int64(minutes) * 60_000_000)
        case .daily(let hour, let minute):
            let day: Int64 = 86_400_000_000
            let startOfDay = (now >= 0 ? now / day : (now + 1) / day - 1) * day
            let today = startOfDay + Int64(hour * 3_600 + minute * 60) * 1_000_000
            return today > now ? today : today + day
        }
    }
}
