import JWTAuditModel

/// One row of the per-minute rollups: counts by service, kind, outcome, reason and token type.
struct RollupKey: Hashable {
    var minute: Int64
    var service: String
    var kind: UInt8
    var outcome: UInt8
    var reason: UInt8
    var tokenType: UInt8

    init(_ event: AuditEvent) {
        minute = event.timestamp >= 0 ? event.timestamp / 60_000_000 : (event.timestamp + 1) / 60_000_000 - 1
        service = event.service
        kind = event.kind.rawValue
        outcome = event.outcome?.rawValue ?? UInt8(PartitionSchema.none)
        reason = event.reason?.rawValue ?? UInt8(PartitionSchema.none)
        tokenType = event.tokenType.rawValue
    }
}
