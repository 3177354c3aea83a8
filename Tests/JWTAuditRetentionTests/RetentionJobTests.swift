import Foundation
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

@testable import JWTAuditRetention

/// A store written through ``EventWriter`` (one sealed block per write) with old and recent
/// events, signed by a checkpoint, and a policy keeping 400 days with a hold on `held-user`.
private struct Fixture {
    let folder: TemporaryDirectory
    let directory: DataDirectory
    let policy: RetentionPolicy
    let now = EventFactory.baseTime

    init(holds: String = #"[{"id": "CASE-7", "reason": "dispute", "sub": "held-user"}]"#) throws {
        folder = try TemporaryDirectory()
        directory = DataDirectory(root: folder.file("data"))
        var configuration = StoreConfiguration()
        configuration.sealThreshold = 1
        let writer = try EventWriter(directory: directory, configuration: configuration)
        let blocks: [(day: Int, subject: String)] = [
            (-500, "gone-a"), (-450, "gone-b"), (-500, "held-user"), (-200, "archived"), (-10, "recent"),
        ]
        for (index, block) in blocks.enumerated() {
            let events = (0..<3).map { EventFactory.event(index * 10 + $0, dayOffset: block.day, subject: block.subject) }
            try writer.write(events, now: 0)
        }
        try writer.close(now: 0)
        let checkpointer = try Checkpointer(directory: directory, externalFile: folder.file("cp.ndjson"), now: 1_000)
        _ = try checkpointer.checkpoint(now: 2_000)
        let text = """
            {"version": 1, "frameworks": [], "default": {"online_days": 90, "keep_days": 400},
             "alerts": {"keep_days": 400}, "report_exports": {"keep_days": 400},
             "legal_holds": \(holds), "schedule": {"at": "03:00"}}
            """
        policy = try RetentionPolicy.parse(Array(text.utf8), file: "policy.json")
    }

    func found(_ subject: String) throws -> Int {
        var query = EventQuery()
        query.subject = subject
        return try EventSearch(directory: directory).collect(query).count
    }

    func verify() throws -> VerificationReport {
        var verifier = StoreVerifier(directory: directory)
        verifier.checkpointFile = folder.file("cp.ndjson")
        return try verifier.verify()
    }

    func day(_ offset: Int) -> PartitionDay {
        PartitionDay(containing: now + Int64(offset) * 86_400_000_000)
    }
}

@Suite("RetentionJob on a written store")
struct RetentionJobTests {
    @Test("a run deletes events past keep, keeps held and recent ones, and verify still passes")
    func deletesAndVerifies() throws {
        let fixture = try Fixture()
        #expect(try fixture.verify().isIntact)
        let report = try RetentionJob(directory: fixture.directory, policy: fixture.policy)
            .run(now: fixture.now, dryRun: false)

        #expect(report.record.blocksDeleted == 2)
        #expect(report.record.eventsDeleted == 6)
        #expect(report.partitionsDropped == [fixture.day(-450)])
        #expect(report.partitionsArchived == [fixture.day(-500), fixture.day(-200)])
        #expect(report.partitionsPruned.isEmpty)
        #expect(report.record.holdsApplied == ["CASE-7"])
        #expect(report.record.bytesReturned > 0)
        #expect(report.archive.blocks == 2)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.partitionPath(fixture.day(-450))))

        #expect(try fixture.found("gone-a") == 0)
        #expect(try fixture.found("gone-b") == 0)
        #expect(try fixture.found("held-user") == 3)
        #expect(try fixture.found("archived") == 3)
        #expect(try fixture.found("recent") == 3)

        let verification = try fixture.verify()
        #expect(verification.failure == nil)
        #expect(verification.tombstones == 2)
        #expect(verification.tombstonedEvents == 6)
        #expect(verification.blocks == 6)
        #expect(verification.runRecords == 1)
        #expect(verification.events == 9)

        let runs = try RetentionLedger(directory: fixture.directory, readOnly: true).runs()
        #expect(runs.count == 1)
        #expect(runs.first?.blocksDeleted == 2)
        #expect(runs.first?.holdsApplied == ["CASE-7"])
    }

    @Test("a second run deletes nothing more and verify still passes")
    func idempotent() throws {
        let fixture = try Fixture()
        let job = RetentionJob(directory: fixture.directory, policy: fixture.policy)
        _ = try job.run(now: fixture.now, dryRun: false)
        let again = try job.run(now: fixture.now, dryRun: false)
        #expect(again.record.blocksDeleted == 0)
        #expect(try fixture.verify().isIntact)
    }

    @Test("a dry run reports the same plan and changes nothing")
    func dryRun() throws {
        let fixture = try Fixture()
        let before = try fixture.directory.partitionDays().map { fixture.directory.partitionBytes($0) }
        let report = try RetentionJob(directory: fixture.directory, policy: fixture.policy)
            .run(now: fixture.now, dryRun: true)
        #expect(report.record.blocksDeleted == 2)
        #expect(report.partitionsDropped == [fixture.day(-450)])
        #expect(try fixture.directory.partitionDays().map { fixture.directory.partitionBytes($0) } == before)
        #expect(try fixture.found("gone-a") == 3)
        #expect(try fixture.found("gone-b") == 3)
        #expect(try RetentionLedger(directory: fixture.directory, readOnly: true).runs().isEmpty)
        #expect(try fixture.verify().tombstones == 0)
    }

    @Test("a tampered tombstone is caught by verify")
    func tamperedTombstone() throws {
        let fixture = try Fixture(holds: "[]")
        _ = try RetentionJob(directory: fixture.directory, policy: fixture.policy).run(now: fixture.now, dryRun: false)
        #expect(try fixture.verify().isIntact)
        try SQLiteConnection(path: fixture.directory.metaPath).execute(
            "UPDATE tombstones SET max_ts = max_ts + 1 WHERE seq = 1")
        let failure = try #require(try fixture.verify().failure)
        #expect(failure.sequence == 1)
    }
}

@Suite("RetentionJob and the writer")
struct RetentionJobWriterTests {
    @Test("after every block is deleted, a new writer continues the chain after the tombstones")
    func chainContinues() throws {
        let fixture = try Fixture(holds: "[]")
        let job = RetentionJob(directory: fixture.directory, policy: fixture.policy)
        _ = try job.run(now: fixture.now + 1_000 * 86_400_000_000, dryRun: false)
        #expect(try fixture.directory.partitionDays().isEmpty)
        var configuration = StoreConfiguration()
        configuration.sealThreshold = 1
        let writer = try EventWriter(directory: fixture.directory, configuration: configuration)
        try writer.write([EventFactory.event(1, subject: "after")], now: 0)
        try writer.close(now: 0)
        let report = try fixture.verify()
        #expect(report.failure == nil)
        #expect(report.blocks == 7)
        #expect(report.tombstones == 5)
        #expect(report.runRecords == 1)
        #expect(try fixture.found("after") == 1)
    }
}
