import JWTAuditStore
import JWTAuditTesting

/// Placeholder until the fixture is written.
enum ReportFixtureMarker {}
