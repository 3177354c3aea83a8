import Foundation

extension StoreStatistics {
    /// The statistics as a JSON object (`jwtaudit stats --format json` and `GET /api/v1/stats`).
    public var jsonObject: [String: Any] {
        [
            "total_events": totalEvents,
            "stored_events": storedEvents,
            "stored_bytes": storedBytes,
            "bytes_per_event": bytesPerEvent ?? NSNull(),
            "archived_events": archivedEvents,
            "archived_bytes": archivedBytes,
            "groups": groups.map { group in
                [
                    "service": group.service, "outcome": group.outcome?.name ?? NSNull(),
                    "reason": group.reason?.name ?? NSNull(), "events": group.events,
                ] as [String: Any]
            },
        ]
    }
}
