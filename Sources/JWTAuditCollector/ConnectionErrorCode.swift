/// Codes of the errors about a whole connection (`"line":0`), written just before the daemon
/// closes it. Line rejections use ``JWTAuditModel/RejectionCode`` instead.
enum ConnectionErrorCode: String, Sendable, CaseIterable {
    /// The daemon already has `max_connections` open connections.
    case tooManyConnections = "too_many_connections"
    /// The first line, or a started line, did not reach its newline in time.
    case lineTimeout = "line_timeout"
}
