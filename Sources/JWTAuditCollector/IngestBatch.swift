import JWTAuditModel
import JWTAuditStore

/// What one connection hands the pipeline after a read: its decoded events, its rejected lines,
/// and the number of its last line covered, which the pipeline acknowledges once the events
/// are durable.
struct IngestBatch: Sendable {
    var connection: ConnectionReference
    var events: [AuditEvent]
    var rejected: [QuarantinedLine]
    /// The connection's line count after the last line in this batch.
    var lastLine: Int64
}

/// Where the pipeline reports back: runs the connection's handler on its event loop.
struct ConnectionReference: Sendable {
    let acknowledge: @Sendable (_ upToLine: Int64, _ events: Int) -> Void
}
