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
        var remaining = query.limit ?? Int.max
        guard remaining > 0 else { return }
        for day in try directory.partitionDays() {
            if let from = query.from, day.end <= from { continue }
            if let to = query.to, day.start >= to { continue }
            var matches = try search(day, query)
            matches.sort { ($0.timestamp, $0.receivedAt) < ($1.timestamp, $1.receivedAt) }
            for event in matches.prefix(remaining) {
                try body(event)
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

    private func search(_ day: PartitionDay, _ query: EventQuery) throws -> [AuditEvent] {
        guard let connection = try PartitionReader.open(directory, day) else { return [] }
        let statement = try connection.prepare(
            "SELECT keys, data FROM blocks WHERE max_ts >= ? AND min_ts < ? ORDER BY id")
        statement.bind(1, query.from ?? Int64.min)
        statement.bind(2, query.to ?? Int64.max)
        var matches: [AuditEvent] = []
        let keyed = keyedFilters(query)
        while try statement.step() {
            if !keyed.isEmpty {
                let filter = try BlockKeyFilter(serialized: statement.blob(0))
                if keyed.contains(where: { !filter.mightContain($0.field, $0.value) }) { continue }
            }
            let events = try statement.withBlob(1) { try BlockCodec.decode($0) }
            matches.append(contentsOf: events.lazy.filter(query.matches))
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
