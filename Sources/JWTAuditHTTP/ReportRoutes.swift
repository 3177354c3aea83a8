import Foundation
import HTTPTypes
import Hummingbird
import JWTAuditAccess
import JWTAuditModel
import JWTAuditReports
import JWTAuditStore
import NIOCore
import NIOPosix

/// Compliance reports over the API (docs/api.md): `POST /api/v1/reports` generates, signs and
/// returns a report, recording the export under the token's name; `GET /api/v1/reports` lists the
/// recorded exports. Both need the `auditor` or `admin` role.
extension APIRoutes {
    func addReportRoutes(to router: Router<APIRequestContext>) {
        router.post("/api/v1/reports") { request, context in
            try await generateReport(request, context)
        }
        router.get("/api/v1/reports") { request, context in
            try await authorised(request, context) { _ in try listExports(request) }
        }
    }

    /// Checks the token for `.export`, then runs `body` on the thread pool.
    private func authorised(
        _ request: Request, _ context: APIRequestContext, _ body: @escaping @Sendable (APIToken) throws -> Response
    ) async throws -> Response {
        let authenticator = authenticator
        let remote = context.remoteAddress
        let logger = logger
        return try await NIOThreadPool.singleton.runIfActive {
            switch authenticator.check(request, remote: remote, permission: .export) {
            case .refused(let response): return response
            case .granted(let token):
                do {
                    return try body(token)
                } catch let error as QueryError {
                    return Self.invalid(error.message)
                } catch {
                    logger.error("report request failed", metadata: ["error": "\(error)"])
                    return JSONResponse.error(.internalServerError, "internal")
                }
            }
        }
    }

    private func generateReport(_ request: Request, _ context: APIRequestContext) async throws -> Response {
        var request = request
        let buffer: ByteBuffer
        do {
            buffer = try await request.collectBody(upTo: context.maxUploadSize)
        } catch {
            return JSONResponse.error(.contentTooLarge, "body_too_large")
        }
        let bytes = Data(buffer.readableBytesView)
        let directory = directory
        let reportContext = reportContext
        return try await authorised(request, context) { token in
            guard let body = (try? JSONSerialization.jsonObject(with: bytes)) as? [String: Any] else {
                throw QueryError("the body must be a JSON object")
            }
            guard let name = body["framework"] as? String, let framework = ReportFramework(rawValue: name) else {
                throw QueryError(
                    "framework must be one of: \(ReportFramework.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            let formatName = body["format"] as? String ?? "json"
            guard let format = ReportFormat(rawValue: formatName), format != .csv else {
                throw QueryError(
                    "format must be json or html (csv is a folder of files: use jwtaudit report --format csv)")
            }
            let now = Self.now()
            func time(_ key: String) throws -> Int64? {
                guard let value = body[key] else { return nil }
                guard let text = value as? String, let micros = TimeBound.parse(text, now: now) else {
                    throw QueryError("\(key) must be RFC 3339 (2026-11-01T00:00:00Z) or a duration (30d)")
                }
                return micros
            }
            guard let from = try time("from") else { throw QueryError("from is required") }
            guard let period = ReportPeriod(covering: from, try time("to") ?? now) else {
                throw QueryError("from must be before to")
            }
            var reportRequest = ReportRequest(
                directory: directory, framework: framework, period: period, generatedBy: token.name, now: now)
            if let file = reportContext.checkpointFile, FileManager.default.fileExists(atPath: file) {
                reportRequest.checkpointFile = file
            }
            if let policy = reportContext.policy { try reportRequest.loadPolicy(policy) }
            let key = try CheckpointKeys.current(in: directory)
            let export = try ReportExport.generate(reportRequest, format: format, key: key, via: "http")
            let fileName =
                "jwtaudit-\(framework.rawValue)-\(PartitionDay(containing: period.from).name)"
                + "-\(PartitionDay(containing: period.to - 1).name).\(format.rawValue)"
            var headers: HTTPFields = [
                .contentType: format == .html ? "text/html; charset=utf-8" : "application/json; charset=utf-8",
                .cacheControl: "no-store", .contentDisposition: "attachment; filename=\"\(fileName)\"",
                HTTPField.Name("X-Content-Type-Options")!: "nosniff",
                .contentSecurityPolicy: "default-src 'none'; style-src 'unsafe-inline'; sandbox",
            ]
            headers[HTTPField.Name("X-JWTAudit-Report-Digest")!] = export.signature.digest
            headers[HTTPField.Name("X-JWTAudit-Export-Id")!] = String(export.exportID)
            return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: export.file)))
        }
    }

    private func listExports(_ request: Request) throws -> Response {
        let exports = try ReportExportLedger(directory: directory, readOnly: true).exports()
        let rows: [[String: Any]] = exports.map { export in
            [
                "id": export.id, "exported_at": Timestamp.format(export.exportedAt), "who": export.who,
                "via": export.via, "framework": export.framework, "format": export.format,
                "period_from": Timestamp.format(export.periodFrom), "period_to": Timestamp.format(export.periodTo),
                "digest": export.digest,
            ]
        }
        return JSONResponse.make(.ok, object: ["exports": rows])
    }
}
