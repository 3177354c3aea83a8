import Foundation
import JWTAuditModel

/// The retention contract: how long events, alerts and report-export records stay online and are kept,
/// which compliance frameworks set minimums, which legal holds stop deletion, and when the job runs.
///
/// Read it with ``load(path:)``, then call ``check()`` for every problem at once; a file with any
/// problem of severity ``RetentionProblem/Severity/error`` must not be used. Every field is
/// documented in `docs/retention.md`.
public struct RetentionPolicy: Sendable {
    /// The path the policy was read from.
    public var file: String
    /// Format version; only `1` exists.
    public var version: Int
    /// Frameworks whose minimums apply, in file order.
    public var frameworks: [RetentionFramework]
    /// Event policies; the first whose match fits an event decides its periods.
    public var policies: [EventRetentionRule]
    /// Periods for events no policy matches.
    public var defaultPeriod: RetentionPeriod
    /// Days an alert is kept.
    public var alertKeepDays: Int
    /// Days a report-export record is kept.
    public var reportExportKeepDays: Int
    /// Holds that stop deletion of what they cover.
    public var legalHolds: [LegalHold]
    /// Which event fields are stored as keyed-HMAC pseudonyms.
    public var pseudonymisation: Pseudonymisation
    /// When the retention job runs.
    public var schedule: RetentionSchedule

    /// Problems found while reading the file's structure.
    var structuralProblems: [RetentionProblem] = []
    /// The line of every field path present in the file, and of the objects holding them.
    var lines: [String: Int] = [:]

    /// Reads a policy file. Throws only when the file cannot be read or is not JSON;
    /// everything else is reported by ``check()``.
    public static func load(path: String) throws(RetentionPolicyError) -> RetentionPolicy {
        let data: Data
        do {
            data = try Data(contentsOf: URL(fileURLWithPath: path))
        } catch {
            throw RetentionPolicyError(code: .unreadable, file: path, line: nil, message: "cannot read the file")
        }
        return try parse(Array(data), file: path)
    }

    /// Reads a policy from JSON text; `file` names it in problems.
    public static func parse(_ bytes: [UInt8], file: String) throws(RetentionPolicyError) -> RetentionPolicy {
        let root: PositionedJSON
        do {
            root = try PositionedJSON.parse(bytes)
        } catch {
            throw RetentionPolicyError(code: .invalidJSON, file: file, line: error.line, message: error.message)
        }
        var reader = RetentionPolicyReader(file: file)
        return reader.read(root)
    }

    /// Every problem in the policy, structural and against the named frameworks' minimums, in line order.
    public func check() -> [RetentionProblem] {
        let problems = structuralProblems + frameworkProblems()
        return problems.enumerated().sorted {
            ($0.element.line, $0.offset) < ($1.element.line, $1.offset)
        }.map(\.element)
    }

    /// `FILE: ok (N policies, frameworks: a, b)`, the line printed for a file without errors.
    public var summary: String {
        let names = frameworks.isEmpty ? "none" : frameworks.map(\.rawValue).joined(separator: ", ")
        let count = policies.count == 1 ? "1 policy" : "\(policies.count) policies"
        return "\(file): ok (\(count), frameworks: \(names))"
    }
}

/// How long something stays online (fast search) and how long it is kept at all.
public struct RetentionPeriod: Sendable, Hashable {
    /// Days in the online tier before moving to the archive tier.
    public var onlineDays: Int
    /// Days before deletion (unless a legal hold applies), counted from event time.
    public var keepDays: Int

    /// Creates a period.
    public init(onlineDays: Int, keepDays: Int) {
        self.onlineDays = onlineDays
        self.keepDays = keepDays
    }
}

/// One entry of `policies`: which events, and their periods.
public struct EventRetentionRule: Sendable, Hashable {
    /// Unique name, shown in retention run reports.
    public var name: String
    /// Which events the rule covers.
    public var match: EventMatch
    /// The rule's periods.
    public var period: RetentionPeriod
}

/// Which events a rule covers: every given criterion must hold; a list matches any of its values.
public struct EventMatch: Sendable, Hashable {
    /// `accepted` or `rejected`; `nil` matches both.
    public var outcome: String?
    /// Rejection reasons; `nil` matches any.
    public var reasons: [String]?
    /// Service names; `nil` matches any.
    public var services: [String]?
    /// `access`, `refresh` or `id`; `nil` matches any.
    public var tokenType: String?

    /// Whether the match has no criteria and so covers every event.
    public var matchesEverything: Bool { outcome == nil && reasons == nil && services == nil && tokenType == nil }
}

/// A legal hold: nothing it covers is deleted while it is in the file.
public struct LegalHold: Sendable, Hashable {
    /// Unique identifier (a case or ticket number).
    public var id: String
    /// Why the hold exists.
    public var reason: String
    /// Only events from this service; `nil` for all.
    public var service: String?
    /// Only events about this subject; `nil` for all.
    public var sub: String?
    /// Only events at or after this time (seconds since 1970); `nil` for no lower bound.
    public var from: Double?
    /// Only events at or before this time (seconds since 1970); `nil` for no upper bound.
    public var to: Double?
}

/// Which event fields are stored as keyed-HMAC pseudonyms.
public struct Pseudonymisation: Sendable, Hashable {
    /// Whether pseudonymisation is on. Default: `false`.
    public var enabled: Bool
    /// Fields pseudonymised when enabled: `sub`, `client_ip`. Default: both.
    public var fields: [String]

    /// Whether a field is actually pseudonymised.
    public func covers(_ field: String) -> Bool { enabled && fields.contains(field) }
}

/// When the retention job runs.
public enum RetentionSchedule: Sendable, Hashable {
    /// Every so many minutes.
    case every(minutes: Int)
    /// Once a day at this UTC time.
    case daily(hour: Int, minute: Int)
}
