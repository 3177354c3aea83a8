import Foundation
import JWTAuditCrypto
import JWTAuditDetection
import JWTAuditModel
import JWTAuditReports
import JWTAuditStore
import JWTAuditTesting

/// A store with known contents, written through the real writer: three days of events from two
/// services (payments silent on the second day), rejections from known addresses, two alerts (one
/// acknowledged after 10 minutes, one left open), a signed checkpoint and a signing key.
struct ReportFixture {
    static let day: Int64 = 86_400_000_000
    static let day0 = EventFactory.baseTime
    /// The period of the fixture's reports: days 0, 1 and 2.
    static let period = ReportPeriod(covering: day0, day0 + 3 * day)!
    /// When the fixture's reports are made: day 3, noon.
    static let now = day0 + 3 * day + day / 2
    static let hostileAgent = "<script>alert(1)</script>"
    static let hostileKid = #"a"b'c"#
    static let hostileAddress = "<script>x</script>"

    let folder: TemporaryDirectory
    let directory: DataDirectory
    let key: Ed25519PrivateKey

    init(skipDay1Entirely: Bool = false) throws {
        folder = try TemporaryDirectory()
        directory = DataDirectory(root: folder.file("data"))
        let writer = try EventWriter(directory: directory)
        var events: [AuditEvent] = []
        func add(_ count: Int, day: Int64, service: String, reason: Reason? = nil, ip: String = "192.0.2.1",
                 agent: String = "test/1", kid: String? = nil) {
            for index in 0..<count {
                let ts = Self.day0 + day * Self.day + Int64(events.count) * 1_000_000
                var event = AuditEvent(
                    timestamp: ts, service: service, outcome: reason == nil ? .accepted : .rejected, reason: reason)
                event.subject = "user-\(index)"
                event.tokenID = "jti-\(events.count)"
                event.clientIP = ip
                event.userAgent = agent
                event.keyID = kid
                event.receivedAt = ts + 1_000
                events.append(event)
            }
        }
        add(10, day: 0, service: "api")
        add(3, day: 0, service: "api", reason: .badSignature, ip: "203.0.113.9")
        add(1, day: 0, service: "api", reason: .expired, ip: "198.51.100.7")
        add(5, day: 0, service: "payments")
        add(2, day: 0, service: "payments", reason: .keyUnknown, ip: "203.0.113.9", agent: Self.hostileAgent,
            kid: Self.hostileKid)
        if !skipDay1Entirely { add(6, day: 1, service: "api") }
        add(3, day: 2, service: "api")
        add(1, day: 2, service: "api", reason: .algNone, ip: Self.hostileAddress)
        add(2, day: 2, service: "payments")
        add(1, day: 3, service: "api", reason: .badSignature, ip: "203.0.113.9")  // after the period
        try writer.write(events, now: Self.day0)
        try writer.close(now: Self.day0)

        key = try CheckpointKeys.loadOrCreate(in: directory, now: Self.day0)
        let checkpointer = try Checkpointer(directory: directory, externalFile: nil, now: Self.day0 + Self.day)
        _ = try checkpointer.checkpoint(now: Self.day0 + Self.day, full: true)

        let alerts = try AlertStore(directory: directory)
        let created = Self.day0 + 3_600_000_000
        let brute = Finding(
            rule: "brute_force_signature", severity: .high, key: AlertKey("client_ip", "203.0.113.9"),
            firstSeen: Self.day0 + 10_000_000, lastSeen: Self.day0 + 13_000_000, count: 3, samples: [],
            summary: "3 bad signatures from 203.0.113.9", techniques: ["T1110"], tags: ["pci-dss:10.2.1.4"],
            suppressionWindow: 60_000_000)
        _ = try alerts.record([brute], now: created)
        _ = try alerts.setStatus(id: 1, to: .acknowledged, by: "alice", note: "looking", now: created + 600_000_000)
        let injection = Finding(
            rule: "header_injection", severity: .medium, key: AlertKey("kid", Self.hostileKid),
            firstSeen: Self.day0 + 20_000_000, lastSeen: Self.day0 + 21_000_000, count: 2, samples: [],
            summary: "kid \(Self.hostileKid) from agent \(Self.hostileAgent)", techniques: [], tags: [],
            suppressionWindow: 60_000_000)
        _ = try alerts.record([injection], now: created + 1_000_000)
    }

    /// A request for `framework` over the fixture's period, made at ``now`` by `auditor`.
    func request(_ framework: ReportFramework, policy: String? = nil) throws -> ReportRequest {
        var request = ReportRequest(
            directory: directory, framework: framework, period: Self.period, generatedBy: "auditor", now: Self.now)
        if let policy {
            let path = folder.file("retention.json")
            try policy.write(toFile: path, atomically: true, encoding: .utf8)
            try request.loadPolicy(path)
        }
        return request
    }

    static let policy = """
        {"version": 1, "frameworks": ["pci-dss"],
         "policies": [{"name": "attacks", "match": {"outcome": "rejected"}, "online_days": 180, "keep_days": 730}],
         "default": {"online_days": 90, "keep_days": 400}, "alerts": {"keep_days": 730},
         "report_exports": {"keep_days": 1095},
         "legal_holds": [{"id": "CASE-7", "reason": "dispute", "sub": "<b>bob</b>"}],
         "pseudonymisation": {"enabled": true, "fields": ["client_ip"]}}
        """
}

extension Report {
    /// The table with `id`.
    func table(_ id: String) -> ReportTable? { tables.first { $0.id == id } }

    /// The section with `id`.
    func section(_ id: String) -> ReportSection? { sections.first { $0.id == id } }
}

extension ReportTable {
    /// The rows as plain values: text, Int64, RFC 3339 text for times, nil.
    var plain: [[AnyHashable?]] {
        rows.map { row in
            row.map { value -> AnyHashable? in
                switch value {
                case .text(let text): text
                case .integer(let number): Int(number)
                case .time(let micros): Timestamp.format(micros)
                case .null: nil
                }
            }
        }
    }
}
