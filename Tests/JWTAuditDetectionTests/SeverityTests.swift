import JWTAuditDetection
import Testing

@Suite struct SeverityTests {
    @Test("severities order low < medium < high < critical and round-trip their names")
    func ordering() {
        #expect(Severity.allCases.sorted() == [.low, .medium, .high, .critical])
        for severity in Severity.allCases { #expect(Severity(name: severity.name) == severity) }
        #expect(Severity(name: "urgent") == nil)
    }
}
