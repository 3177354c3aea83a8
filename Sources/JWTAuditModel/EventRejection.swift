/// Why a line was rejected: the `error` answer of the wire protocol.
public struct EventRejection: Error, Sendable, Hashable {
    /// The wire error code.
    public var code: RejectionCode
    /// The field at fault, when there is one.
    public var field: String?
    /// A human-readable explanation. It never quotes a token, a claim value or a secret.
    public var message: String

    public init(_ code: RejectionCode, field: String? = nil, _ message: String) {
        self.code = code
        self.field = field
        self.message = message
    }
}

/// The error codes of the wire protocol (a contract: DESIGN section 2).
public enum RejectionCode: String, Sendable, Hashable, CaseIterable {
    case invalidJSON = "invalid_json"
    case lineTooLong = "line_too_long"
    case invalidUTF8 = "invalid_utf8"
    case missingField = "missing_field"
    case invalidField = "invalid_field"
    case unsupportedVersion = "unsupported_version"
    case serviceNotAllowed = "service_not_allowed"
    /// The line was not stored because the store cannot write (a full disk, an I/O error): not the
    /// sender's fault; send it again later with the same `seq` (docs/protocol.md).
    case storageUnavailable = "storage_unavailable"
}
