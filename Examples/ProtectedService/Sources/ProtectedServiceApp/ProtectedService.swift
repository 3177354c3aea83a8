import Foundation
import Hummingbird
import JWTAuditClient
import JWTAuditJWTKit
import JWTKit
import NIOCore

/// An example service: `GET /hello` needs a bearer JWT (RS256, verified with jwt-kit), and every
/// verification attempt is reported to jwtaudit through ``JWTAuditClient``.
public enum ProtectedService {
    /// Where the example listens and which key it trusts.
    public struct Configuration: Sendable {
        /// Address to bind. Default `127.0.0.1`.
        public var host = "127.0.0.1"
        /// Port to bind; 0 lets the system choose. Default 8080.
        public var port = 8080
        /// The issuer's RSA public key (PEM): the only key accepted.
        public var publicKeyPEM: String
        /// The key's `kid`. Default `main`.
        public var keyID = "main"

        /// Creates a configuration trusting `publicKeyPEM`.
        public init(publicKeyPEM: String) {
            self.publicKeyPEM = publicKeyPEM
        }
    }

    /// The claims the example expects: a subject and an expiry.
    public struct Claims: JWTPayload {
        /// The caller.
        public var sub: SubjectClaim
        /// The expiry; checked.
        public var exp: ExpirationClaim

        /// Creates claims.
        public init(sub: String, exp: Date) {
            self.sub = SubjectClaim(value: sub)
            self.exp = ExpirationClaim(value: exp)
        }

        /// Checks the expiry.
        public func verify(using _: some JWTAlgorithm) async throws {
            try exp.verifyNotExpired()
        }
    }

    /// The request context: Hummingbird's, plus the caller's address for the audit event.
    public struct Context: RequestContext {
        /// Hummingbird's storage.
        public var coreContext: CoreRequestContextStorage
        /// The caller's IP address, when known.
        public let clientIP: String?

        /// Creates the context of one request.
        public init(source: ApplicationRequestContextSource) {
            coreContext = .init(source: source)
            clientIP = source.channel.remoteAddress?.ipAddress
        }
    }

    /// The key collection of the example: the RSA public key under its `kid`, RS256.
    public static func keys(_ configuration: Configuration) async throws -> JWTKeyCollection {
        let key = try Insecure.RSA.PublicKey(pem: configuration.publicKeyPEM)
        return await JWTKeyCollection().add(
            rsa: key, digestAlgorithm: .sha256, kid: JWKIdentifier(string: configuration.keyID))
    }

    /// The application: `GET /health` (open) and `GET /hello` (bearer JWT, audited).
    ///
    /// - Parameter onServerRunning: called with the bound port once the server listens.
    public static func makeApplication(
        configuration: Configuration,
        audit: JWTAuditClient,
        onServerRunning: @escaping @Sendable (Int) async -> Void = { _ in }
    ) async throws -> some ApplicationProtocol {
        let verifier = AuditedJWTVerifier(
            keys: try await keys(configuration),
            client: audit,
            allowedAlgorithms: ["RS256"],
            knownKeyIDs: [configuration.keyID]
        )
        let router = Router(context: Context.self)
        router.get("health") { _, _ in "ok\n" }
        router.get("hello") { request, context -> Response in
            guard let header = request.headers[.authorization], header.hasPrefix("Bearer ") else {
                return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer"])
            }
            let token = String(header.dropFirst("Bearer ".count))
            let userAgent = request.headers[.userAgent]
            do {
                let claims = try await verifier.verify(token, as: Claims.self) { event in
                    event.clientIP = context.clientIP
                    event.userAgent = userAgent
                }
                return Response(
                    status: .ok,
                    body: ResponseBody(byteBuffer: ByteBuffer(string: "hello \(claims.sub.value)\n"))
                )
            } catch {
                // The reason is in the audit event; the caller learns nothing more than 401.
                return Response(status: .unauthorized, headers: [.wwwAuthenticate: "Bearer error=\"invalid_token\""])
            }
        }
        return Application(
            router: router,
            configuration: ApplicationConfiguration(
                address: .hostname(configuration.host, port: configuration.port), serverName: nil),
            onServerRunning: { channel in await onServerRunning(channel.localAddress?.port ?? 0) }
        )
    }
}
