import Foundation
import JWTAuditCrypto
import JWTAuditRetention
import JWTAuditStore

/// What to report on: a store, a framework, a period, and the context the evidence is judged in.
public struct ReportRequest: Sendable {
    /// The data folder.
    public var directory: DataDirectory
    /// The framework answered.
    public var framework: ReportFramework
    /// The period (event time).
    public var period: ReportPeriod
    /// The retention policy judged against, if any, with the SHA-256 (hex) of its file.
    public var policy: RetentionPolicy?
    /// SHA-256 (hex) of the policy file's bytes.
    public var policyDigest: String?
    /// The external checkpoint file `verify` checks too, if any.
    public var checkpointFile: String?
    /// Who asks (token name or user); recorded as the exporter.
    public var generatedBy: String
    /// The time of generation (µs).
    public var now: Int64

    /// A request; `policy`, `policyDigest` and `checkpointFile` start empty.
    public init(
        directory: DataDirectory, framework: ReportFramework, period: ReportPeriod, generatedBy: String, now: Int64
    ) {
        self.directory = directory
        self.framework = framework
        self.period = period
        self.generatedBy = generatedBy
        self.now = now
    }

    /// Reads the retention policy at `path` into ``policy`` and ``policyDigest``; a policy with
    /// errors (`jwtaudit retention check`) is refused.
    public mutating func loadPolicy(_ path: String) throws {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ReportError("cannot read the retention policy \(path)")
        }
        let policy: RetentionPolicy
        do {
            policy = try RetentionPolicy.parse(Array(data), file: path)
        } catch {
            throw ReportError("\(error)")
        }
        guard !policy.check().contains(where: { $0.severity == .error }) else {
            throw ReportError("the retention policy \(path) has errors (jwtaudit retention check \(path))")
        }
        self.policy = policy
        policyDigest = Hex.encode(SHA256.hash(Array(data)))
    }
}
