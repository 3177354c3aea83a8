import JWTAuditModel

extension EventSearch {
    /// Runs `query` with its clear `sub` and `client_ip` translated into what the store holds
    /// (``PseudonymLookup``); events come out as stored, pseudonyms included, in event-time order,
    /// up to `query.limit`. Without pseudonyms in the store this is ``run(_:_:)``.
    public func runTranslated(_ query: EventQuery, _ body: (AuditEvent) throws -> Void) throws {
        try runTranslatedLocated(query) { event, _ in try body(event) }
    }

    /// Like ``runTranslated(_:_:)``, with each event's ``EventLocation``.
    public func runTranslatedLocated(_ query: EventQuery, _ body: (AuditEvent, EventLocation?) throws -> Void) throws {
        let queries = try PseudonymLookup(directory: directory).translate(query)
        if queries.count == 1 {
            try runLocated(queries[0], body)
            return
        }
        var found: [(event: AuditEvent, location: EventLocation?)] = []
        for each in queries {
            try runLocated(each) { found.append(($0, $1)) }
        }
        found.sort { ($0.event.timestamp, $0.event.receivedAt) < ($1.event.timestamp, $1.event.receivedAt) }
        for match in found.prefix(query.limit ?? Int.max) {
            try body(match.event, match.location)
        }
    }

    /// How many stored events hold `storedValue` in `field` (a pseudonym or a clear value as stored).
    public func count(_ field: PseudonymField, storedValue: String) throws -> Int64 {
        var query = EventQuery()
        if field == .subject { query.subject = storedValue } else { query.clientIP = storedValue }
        var count: Int64 = 0
        try run(query) { _ in count += 1 }
        return count
    }
}
