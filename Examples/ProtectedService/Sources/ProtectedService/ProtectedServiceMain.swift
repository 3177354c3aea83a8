import Foundation
import Hummingbird
import JWTAuditClient
import ProtectedServiceApp

/// `ProtectedService`: runs the example service.
///
/// Environment: `PUBLIC_KEY_PEM` (path of the issuer's RSA public key, required), `PORT` (8080),
/// `JWTAUDIT_SOCKET` (`./jwtaudit.sock`), `SERVICE` (`protected-example`).
@main
struct ProtectedServiceMain {
    static func main() async throws {
        let environment = ProcessInfo.processInfo.environment
        guard let keyPath = environment["PUBLIC_KEY_PEM"] else {
            FileHandle.standardError.write(Data("set PUBLIC_KEY_PEM to the issuer's RSA public key (PEM file)\n".utf8))
            exit(2)
        }
        var configuration = ProtectedService.Configuration(publicKeyPEM: try String(contentsOfFile: keyPath, encoding: .utf8))
        configuration.port = environment["PORT"].flatMap { Int($0) } ?? 8080
        var auditConfiguration = JWTAuditClient.Configuration(
            socketPath: environment["JWTAUDIT_SOCKET"] ?? "./jwtaudit.sock",
            service: environment["SERVICE"] ?? "protected-example"
        )
        auditConfiguration.onDiagnostic = { message in FileHandle.standardError.write(Data((message + "\n").utf8)) }
        let audit = JWTAuditClient(configuration: auditConfiguration)
        let application = try await ProtectedService.makeApplication(configuration: configuration, audit: audit)
        // Runs until SIGTERM or SIGINT, then delivers what is still buffered.
        try await application.runService()
        let counters = audit.shutdown(timeout: .seconds(5))
        FileHandle.standardError.write(
            Data("audit events: \(counters.acknowledged) stored, \(counters.dropped) dropped, \(counters.abandoned) undelivered\n".utf8))
    }
}
