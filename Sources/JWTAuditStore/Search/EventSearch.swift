import JWTAuditBlocks
import JWTAuditModel

/// Finds stored events. Opens partitions read-only on its own connections, so it runs beside
/// the daemon's writer without stalling it (WAL readers never block the writer).
public struct EventSearch {
    public let directory: DataDirectory

    public init(directory: DataDirectory) {
        self.directory = directory
    }

    /// Calls `body` with each matching event in event-time order (`ts`, then arrival), up to
    /// `query.limit`. Blocks outside the time range or whose key filter rules out the wanted
    /// `sub`, `jti`, `client_ip` or `service` are skipped without being decompressed.
    public func run(_ query: EventQuery, _ body: (AuditEvent) throws -> Void) throws {
        try run(query, located: false) { event, _ in try body(event) }
    }

    /// Like ``run(_:_:)``, with each event's ``EventLocation`` (nil for events in unsealed blocks).
    public func runLocated(_ query: EventQuery, _ body: (AuditEvent, EventLocation?) throws -> Void) throws {
        try run(query, located: true, body)
    }

    private func run(
        _ query: EventQuery, located: Bool, _ body: (AuditEvent, EventLocation?) throws -> Void
    ) throws {
        var remaining = query.limit ?? Int.max
        guard remaining > 0 else { return }
        for day in try directory.storedDays() {
            if let from = query.from, day.end <= from { continue }
            if let to = query.to, day.start >= to { continue }
            var matches = try search(day, query, located: located)
            matches.sort { ($0.event.timestamp, $0.event.receivedAt) < ($1.event.timestamp, $1.event.receivedAt) }
            for match in matches.prefix(remaining) {
                try body(match.event, match.location)
            }
            remaining -= min(remaining, matches.count)
            if remaining == 0 { return }
        }
    }

    /// Every matching event, in event-time order.
    public func collect(_ query: EventQuery) throws -> [AuditEvent] {
        var events: [AuditEvent] = []
        try run(query) { events.append($0) }
        return events
    }

    /// The matches in `day`'s online partition, then in its archive file (a block found in both,
    /// while the retention job moves it, is read once).
    private func search(
        _ day: PartitionDay, _ query: EventQuery, located: Bool
    ) throws -> [(event: AuditEvent, location: EventLocation?)] {
        var matches: [(event: AuditEvent, location: EventLocation?)] = []
        var seen: Set<Int64> = []
        let keyed = keyedFilters(query)
        for connection in try PartitionReader.openTiers(directory, day) {
            let statement = try connection.prepare(
                "SELECT keys, data, seq FROM blocks WHERE max_ts >= ? AND min_ts < ? ORDER BY id")
            statement.bind(1, query.from ?? Int64.min)
            statement.bind(2, query.to ?? Int64.max)
            while try statement.step() {
                let block: Int64? = statement.isNull(2) ? nil : statement.int64(2)
                if let block, !seen.insert(block).inserted { continue }
                if !keyed.isEmpty {
                    let filter = try BlockKeyFilter(serialized: statement.blob(0))
                    if keyed.contains(where: { !filter.mightContain($0.field, $0.value) }) { continue }
                }
                let events = try statement.withBlob(1) { try BlockCodec.decode($0) }
                for (index, event) in events.enumerated() where query.matches(event) {
                    matches.append(
                        (event, located ? block.map { EventLocation(day: day, block: $0, index: index) } : nil))
                }
            }
        }
        return matches
    }

    private func keyedFilters(_ query: EventQuery) -> [(field: BlockKeyFilter.KeyField, value: String)] {
        var keyed: [(field: BlockKeyFilter.KeyField, value: String)] = []
        if let value = query.subject { keyed.append((.subject, value)) }
        if let value = query.tokenID { keyed.append((.tokenID, value)) }
        if let value = query.clientIP { keyed.append((.clientIP, value)) }
        if let value = query.service { keyed.append((.service, value)) }
        return keyed
    }
}
