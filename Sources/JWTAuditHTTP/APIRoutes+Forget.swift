import Foundation
import Hummingbird
import JWTAuditAccess
import JWTAuditStore
import NIOPosix

extension APIRoutes {
    /// `POST /api/v1/forget` (admin): `{"field": "sub" | "client_ip", "value": "..."}` destroys the
    /// value's pseudonym key in the running daemon (docs/api.md). The answer never echoes the value.
    func addForget(to router: Router<APIRequestContext>) {
        router.post("/api/v1/forget") { request, context in
            let authenticator = authenticator
            let remote = context.remoteAddress
            let outcome = try await NIOThreadPool.singleton.runIfActive {
                authenticator.check(request, remote: remote, permission: .read)
            }
            guard case .granted(let token) = outcome else {
                if case .refused(let response) = outcome { return response }
                return JSONResponse.error(.internalServerError, "internal")
            }
            guard token.role == .admin else {
                return JSONResponse.error(.forbidden, "forbidden", "erasure needs an admin token")
            }
            var request = request
            let buffer: ByteBuffer
            do {
                buffer = try await request.collectBody(upTo: 16_384)
            } catch {
                return JSONResponse.error(.contentTooLarge, "body_too_large")
            }
            let bytes = Data(buffer.readableBytesView)
            let forget = forget
            let logger = logger
            return try await NIOThreadPool.singleton.runIfActive {
                guard let body = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any],
                    let name = body["field"] as? String, let field = PseudonymField(name: name)
                else {
                    return Self.invalid("the body must be {\"field\": \"sub\" or \"client_ip\", \"value\": \"...\"}")
                }
                guard let value = body["value"] as? String, !value.isEmpty else {
                    return Self.invalid("value must be a non-empty string")
                }
                guard let forget else {
                    return JSONResponse.error(
                        .serviceUnavailable, "unavailable", "this daemon cannot carry out erasures")
                }
                return Self.answering(logger) {
                    let done = try forget(field, value, token.name)
                    logger.notice(
                        "forget request carried out",
                        metadata: [
                            "field": "\(field.name)", "requested_by": "\(token.name)", "id": "\(done.requestID)",
                            "events_affected": "\(done.eventsAffected)",
                        ])
                    return JSONResponse.make(
                        .ok,
                        object: [
                            "field": field.name, "had_key": done.hadKey, "events_affected": done.eventsAffected,
                            "clear_events": done.clearEvents, "request_id": done.requestID,
                        ] as [String: Any])
                }
            }
        }
    }
}
