import JWTAuditDetection
import Testing

@testable import JWTAuditRules
