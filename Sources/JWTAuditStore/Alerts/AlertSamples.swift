import JWTAuditDetection

/// The few event references an alert keeps: how it started and what is happening now.
///
/// At most ``limit`` samples: the ``oldestKept`` oldest and the newest after them, all in event-time
/// order. New findings never push out the first events of an attack, and the newest ones stay current.
enum AlertSamples {
    /// Samples kept per alert.
    static let limit = 5
    /// Of those, the oldest kept for good; the rest are the newest.
    static let oldestKept = 2

    /// `existing` and `incoming` merged: duplicates dropped, ordered by event time (then receipt),
    /// then trimmed to the oldest and newest.
    static func merge(_ existing: [EventReference], _ incoming: [EventReference]) -> [EventReference] {
        var seen: Set<EventReference> = []
        let all = (existing + incoming).filter { seen.insert($0).inserted }
        let ordered = all.enumerated().sorted { left, right in
            (left.element.timestamp, left.element.receivedAt, left.offset)
                < (right.element.timestamp, right.element.receivedAt, right.offset)
        }.map(\.element)
        guard ordered.count > limit else { return ordered }
        return Array(ordered.prefix(oldestKept) + ordered.suffix(limit - oldestKept))
    }
}
