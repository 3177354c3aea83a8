import Foundation
import Hummingbird
import JWTAuditAccess
import JWTAuditDetection
import JWTAuditModel
import JWTAuditStore
import Logging
import NIOPosix

/// The routes of the API (docs/api.md). SQLite work runs on NIO's thread pool, never on an event loop.
struct APIRoutes: Sendable {
    let directory: DataDirectory
    let alerts: AlertAccess
    let authenticator: APIAuthenticator
    let metrics: (@Sendable () -> [UInt8])?
    let metricsWithoutTokenOnLoopback: Bool
    let logger: Logger
    /// Carries out `POST /api/v1/forget`; nil: the route answers that erasure is unavailable.
    var forget: ForgetHandler? = nil
    /// The retention policy and external checkpoint file reports use.
    var reportContext: (policy: String?, checkpointFile: String?) = (nil, nil)

    /// Most alerts or events one request returns.
    static let maxLimit = 10_000

    func add(to router: Router<APIRequestContext>) {
        router.get("/api/v1/health") { _, _ in
            JSONResponse.make(.ok, Array(#"{"status":"ok"}"#.utf8))
        }
        router.get("/api/v1/session") { request, context in
            try await guarded(request, context, .read) { token in
                JSONResponse.make(
                    .ok,
                    object: ["name": token.name, "role": token.role.name, "can_triage": token.role.allows(.triage)])
            }
        }
        router.get("/api/v1/alerts") { request, context in
            try await guarded(request, context, .read) { _ in try listAlerts(request) }
        }
        router.get("/api/v1/alerts/{id}") { request, context in
            let id = context.parameters.get("id", as: Int64.self)
            return try await guarded(request, context, .read) { _ in try showAlert(id) }
        }
        router.post("/api/v1/alerts/{id}/status") { request, context in
            try await change(request, context) { token, id, body in
                guard let name = body["status"] as? String, let status = AlertStatus(name: name) else {
                    return Self.invalid(
                        "status must be one of: \(AlertStatus.allCases.map(\.name).joined(separator: ", "))")
                }
                if body["note"] != nil && !(body["note"] is String) && !(body["note"] is NSNull) {
                    return Self.invalid("note must be a string")
                }
                let note = body["note"] as? String
                return try alerts.write { store in
                    try store.setStatus(id: id, to: status, by: token.name, note: note, now: Self.now())
                }
            }
        }
        router.post("/api/v1/alerts/{id}/notes") { request, context in
            try await change(request, context) { token, id, body in
                guard let text = body["text"] as? String else { return Self.invalid("text must be a string") }
                return try alerts.write { store in
                    try store.addNote(id: id, by: token.name, text: text, now: Self.now())
                }
            }
        }
        router.get("/api/v1/events") { request, context in
            try await guarded(request, context, .read) { _ in try searchEvents(request) }
        }
        addForget(to: router)
        router.get("/api/v1/stats") { request, context in
            try await guarded(request, context, .read) { _ in try statistics(request) }
        }
        addReportRoutes(to: router)
        if let metrics {
            router.get("/metrics") { request, context in
                if metricsWithoutTokenOnLoopback && context.isLoopback {
                    return Self.metricsResponse(metrics())
                }
                return try await guarded(request, context, .read) { _ in Self.metricsResponse(metrics()) }
            }
        }
    }

    // MARK: Authentication and errors

    /// Checks the token for `permission`, then runs `body` on the thread pool; store errors become
    /// JSON errors.
    private func guarded(
        _ request: Request, _ context: APIRequestContext, _ permission: APIPermission,
        _ body: @escaping @Sendable (APIToken) throws -> Response
    ) async throws -> Response {
        let authenticator = authenticator
        let remote = context.remoteAddress
        let logger = logger
        return try await NIOThreadPool.singleton.runIfActive {
            switch authenticator.check(request, remote: remote, permission: permission) {
            case .refused(let response): return response
            case .granted(let token): return Self.answering(logger) { try body(token) }
            }
        }
    }

    /// A triage change: authorise, read the JSON body, apply it on the writer, answer the alert.
    private func change(
        _ request: Request, _ context: APIRequestContext,
        _ apply: @escaping @Sendable (APIToken, Int64, [String: Any]) throws -> Any?
    ) async throws -> Response {
        let authenticator = authenticator
        let remote = context.remoteAddress
        let outcome = try await NIOThreadPool.singleton.runIfActive {
            authenticator.check(request, remote: remote, permission: .triage)
        }
        guard case .granted(let token) = outcome else {
            if case .refused(let response) = outcome { return response }
            return JSONResponse.error(.internalServerError, "internal")
        }
        guard let id = context.parameters.get("id", as: Int64.self) else { return Self.unknownAlert }
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch {
            return JSONResponse.error(.contentTooLarge, "body_too_large")
        }
        let bytes = Data(buffer.readableBytesView)
        let logger = logger
        return try await NIOThreadPool.singleton.runIfActive {
            guard let body = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
                return Self.invalid("the body must be a JSON object")
            }
            return Self.answering(logger) {
                switch try apply(token, id, body) {
                case let alert as Alert: return JSONResponse.make(.ok, Array(AlertJSON.encode(alert, includeHistory: true).utf8))
                case let response as Response: return response
                default: return Self.unknownAlert
                }
            }
        }
    }

    static func answering(_ logger: Logger, _ body: () throws -> Response) -> Response {
        do {
            return try body()
        } catch let error as StoreEraser.Refusal {
            return JSONResponse.error(.conflict, "pseudonymisation_off", error.description)
        } catch let error as AlertStoreError {
            switch error.code {
            case .unknownAlert: return unknownAlert
            case .unchanged: return JSONResponse.error(.conflict, "unchanged", error.message)
            default: return invalid(error.message)
            }
        } catch let error as QueryError {
            return invalid(error.message)
        } catch {
            logger.error("API request failed", metadata: ["error": "\(error)"])
            return JSONResponse.error(.internalServerError, "internal")
        }
    }

    static let unknownAlert = JSONResponse.error(.notFound, "unknown_alert")

    static func invalid(_ message: String) -> Response {
        JSONResponse.error(.badRequest, "invalid_request", message)
    }

    static func metricsResponse(_ bytes: [UInt8]) -> Response {
        Response(
            status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    // MARK: Reads

    private func listAlerts(_ request: Request) throws -> Response {
        let query = Query(request)
        var filter = AlertFilter()
        if let status = query["status"] {
            guard let value = AlertStatus(name: status) else {
                throw QueryError("status must be one of: \(AlertStatus.allCases.map(\.name).joined(separator: ", "))")
            }
            filter.status = value
        }
        if let severity = query["severity"] {
            guard let value = Severity(name: severity) else {
                throw QueryError("severity must be one of: \(Severity.allCases.map(\.name).joined(separator: ", "))")
            }
            filter.minimumSeverity = value
        }
        filter.rule = query["rule"]
        filter.since = try query.time("since")
        filter.limit = try query.limit(default: 100)
        let found = try alerts.read { try $0.list(filter) } ?? []
        var bytes = Array(#"{"alerts":["#.utf8)
        for (index, alert) in found.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            AlertJSON.append(alert, to: &bytes)
        }
        bytes += Array("]}".utf8)
        return JSONResponse.make(.ok, bytes)
    }

    private func showAlert(_ id: Int64?) throws -> Response {
        guard let id, let alert = try alerts.read({ try $0.alert(id: id) }) ?? nil else { return Self.unknownAlert }
        return JSONResponse.make(.ok, Array(AlertJSON.encode(alert, includeHistory: true).utf8))
    }

    private func searchEvents(_ request: Request) throws -> Response {
        let query = Query(request)
        var search = EventQuery()
        search.from = try query.time("from")
        search.to = try query.time("to")
        search.service = query["service"]
        search.subject = query["sub"]
        search.tokenID = query["jti"]
        search.clientIP = query["client_ip"]
        if let outcome = query["outcome"] {
            guard let value = Outcome(name: outcome) else { throw QueryError("outcome must be accepted or rejected") }
            search.outcome = value
        }
        if let reason = query["reason"] {
            guard let value = Reason(name: reason) else {
                throw QueryError("reason must be one of: \(Reason.allCases.map(\.name).joined(separator: ", "))")
            }
            search.reason = value
        }
        search.limit = try query.limit(default: 1_000)
        var bytes = Array(#"{"events":["#.utf8)
        var first = true
        try EventSearch(directory: directory).runTranslated(search) { event in
            if !first { bytes.append(UInt8(ascii: ",")) }
            first = false
            EventJSON.append(event, to: &bytes)
        }
        bytes += Array("]".utf8)
        let pseudonymised = try PseudonymLookup(directory: directory).fieldNames
        if !pseudonymised.isEmpty {
            bytes += Array(",\"pseudonymised\":[\(pseudonymised.map { "\"\($0)\"" }.joined(separator: ","))]".utf8)
        }
        bytes += Array("}".utf8)
        return JSONResponse.make(.ok, bytes)
    }

    private func statistics(_ request: Request) throws -> Response {
        let query = Query(request)
        let stats = try StoreStatistics.read(directory, from: try query.time("from"), to: try query.time("to"))
        let byStatus = try alerts.read { try $0.countByStatus() } ?? [:]
        var object = stats.jsonObject
        object["alerts_by_status"] = Dictionary(
            uniqueKeysWithValues: AlertStatus.allCases.map { ($0.name, byStatus[$0] ?? 0) })
        return JSONResponse.make(.ok, object: object)
    }

    static func now() -> Int64 {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        return Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
    }
}

/// A bad query parameter; the message names the parameter, never echoes its value.
struct QueryError: Error {
    var message: String

    init(_ message: String) { self.message = message }
}

/// The query parameters of a request.
struct Query {
    private let parameters: [String: String]

    init(_ request: Request) {
        var parameters: [String: String] = [:]
        for (key, value) in request.uri.queryParameters { parameters[String(key)] = String(value) }
        self.parameters = parameters
    }

    subscript(_ name: String) -> String? {
        parameters[name].flatMap { $0.isEmpty ? nil : $0 }
    }

    /// RFC 3339 or a duration back from now (`15m`, `2h`, `7d`).
    func time(_ name: String) throws -> Int64? {
        guard let text = self[name] else { return nil }
        guard let value = TimeBound.parse(text, now: APIRoutes.now()) else {
            throw QueryError("\(name) must be RFC 3339 (2026-11-29T10:00:00Z) or a duration (15m, 2h, 7d)")
        }
        return value
    }

    /// `limit`: 1 to 10,000; 0 means the most (10,000).
    func limit(default value: Int) throws -> Int {
        guard let text = self["limit"] else { return value }
        guard let limit = Int(text), limit >= 0 else { throw QueryError("limit must be a number, 0 or more") }
        return limit == 0 ? APIRoutes.maxLimit : min(limit, APIRoutes.maxLimit)
    }
}
