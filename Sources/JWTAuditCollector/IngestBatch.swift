import JWTAuditModel
import JWTAuditStore

/// What a connection reports after a read: how far its lines go, how many of its events it
/// appended to the pipeline, and its rejected lines. The pipeline acknowledges the mark once
/// every event appended before it is durable.
struct IngestMark: Sendable {
    var connection: ConnectionReference
    /// The connection's line count after the last line covered.
    var lastLine: Int64
    /// Events of this connection appended since its previous mark.
    var events: Int
    var rejected: [QuarantinedLine]
    /// Position in the pipeline's queue (1-based, over all connections) of this connection's last
    /// appended event; the mark is durable once the writer has committed that far.
    var lastEventPosition: Int64
}

/// Where the pipeline reports back: runs the connection's handler on its event loop.
struct ConnectionReference: Sendable {
    let acknowledge: @Sendable (_ upToLine: Int64, _ events: Int) -> Void
}
