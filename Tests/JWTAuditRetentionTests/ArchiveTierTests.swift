import Foundation
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

@testable import JWTAuditRetention

/// A store with one sealed block of 40 events per day listed, signed by a checkpoint, under a
/// policy keeping events 90 days online and 400 days in all, with a hold on `held-user`.
private struct ArchiveFixture {
    let folder: TemporaryDirectory
    let directory: DataDirectory
    let policy: RetentionPolicy
    let now = EventFactory.baseTime

    init(days: [(offset: Int, subject: String)] = [(-500, "gone"), (-450, "held-user"), (-200, "archived"), (-10, "recent")])
        throws
    {
        folder = try TemporaryDirectory()
        directory = DataDirectory(root: folder.file("data"))
        let writer = try EventWriter(directory: directory, configuration: Self.configuration)
        for (index, day) in days.enumerated() {
            let events = (0..<40).map {
                EventFactory.event(index * 100 + $0, dayOffset: day.offset, service: $0 % 2 == 0 ? "api" : "payments",
                                   subject: day.subject, outcome: $0 % 5 == 0 ? .rejected : .accepted,
                                   reason: $0 % 5 == 0 ? .expired : nil)
            }
            try writer.write(events, now: 0)
        }
        try writer.close(now: 0)
        let checkpointer = try Checkpointer(directory: directory, externalFile: folder.file("cp.ndjson"), now: 1_000)
        _ = try checkpointer.checkpoint(now: 2_000)
        let text = """
            {"version": 1, "frameworks": [], "default": {"online_days": 90, "keep_days": 400},
             "alerts": {"keep_days": 400}, "report_exports": {"keep_days": 400},
             "legal_holds": [{"id": "CASE-9", "reason": "dispute", "sub": "held-user"}],
             "schedule": {"every_minutes": 60}}
            """
        policy = try RetentionPolicy.parse(Array(text.utf8), file: "policy.json")
    }

    static var configuration: StoreConfiguration {
        var configuration = StoreConfiguration()
        configuration.sealThreshold = 1
        return configuration
    }

    func found(_ subject: String) throws -> [AuditEvent] {
        var query = EventQuery()
        query.subject = subject
        return try EventSearch(directory: directory).collect(query)
    }

    func verify() throws -> VerificationReport {
        var verifier = StoreVerifier(directory: directory)
        verifier.checkpointFile = folder.file("cp.ndjson")
        return try verifier.verify()
    }

    func day(_ offset: Int) -> PartitionDay {
        PartitionDay(containing: now + Int64(offset) * 86_400_000_000)
    }

    func run() throws -> RetentionJob.Report {
        try RetentionJob(directory: directory, policy: policy).run(now: now, dryRun: false)
    }
}

@Suite("Archive tier")
struct ArchiveTierTests {
    @Test("days past online_days move to archive files and are still found by search and counted by stats")
    func archivedStillFound() throws {
        let fixture = try ArchiveFixture()
        let before = try fixture.found("archived")
        let statsBefore = try StoreStatistics.read(fixture.directory, from: nil, to: nil)
        let report = try fixture.run()

        #expect(report.partitionsArchived == [fixture.day(-450), fixture.day(-200)])
        #expect(report.partitionsDropped == [fixture.day(-500)])
        #expect(report.archive.blocks == 2)
        #expect(report.archive.events == 80)
        #expect(report.record.eventsDeleted == 40)
        #expect(report.record.holdsApplied == ["CASE-9"])
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.partitionPath(fixture.day(-200))))
        #expect(FileManager.default.fileExists(atPath: fixture.directory.archivePath(fixture.day(-200))))

        #expect(try fixture.found("archived") == before)
        #expect(try fixture.found("held-user").count == 40)
        #expect(try fixture.found("recent").count == 40)
        #expect(try fixture.found("gone").isEmpty)

        let stats = try StoreStatistics.read(fixture.directory, from: nil, to: nil)
        #expect(stats.totalEvents == statsBefore.totalEvents - 40)
        #expect(stats.storedEvents == 120)
        #expect(stats.archivedEvents == 80)
        let archivedDay = fixture.day(-200)
        let oneDay = try StoreStatistics.read(fixture.directory, from: archivedDay.start, to: archivedDay.end)
        #expect(oneDay.totalEvents == 40)
        #expect(oneDay.groups.filter { $0.service == "payments" }.reduce(0) { $0 + $1.events } == 20)
    }

    @Test("retention, a legal hold and the archive leave verify passing, with the run chained")
    func verifyPasses() throws {
        let fixture = try ArchiveFixture()
        #expect(try fixture.verify().isIntact)
        let report = try fixture.run()
        #expect(report.recordSequence == 5)

        let verification = try fixture.verify()
        #expect(verification.failure == nil)
        #expect(verification.archivedBlocks == 2)
        #expect(verification.archivedEvents == 80)
        #expect(verification.tombstones == 1)
        #expect(verification.runRecords == 1)
        #expect(verification.blocks == 5)

        // The daemon's checkpointer signs over the archived blocks and the run record.
        let checkpointer = try Checkpointer(directory: fixture.directory, externalFile: fixture.folder.file("cp.ndjson"), now: 3_000)
        #expect(try checkpointer.checkpoint(now: 4_000)?.treeSize == 5)
        #expect(try fixture.verify().isIntact)

        // A second run changes nothing and chains a second record.
        let again = try fixture.run()
        #expect(again.archive.blocks == 0)
        #expect(again.record.blocksDeleted == 0)
        #expect(again.blocksInArchive == 2)
        #expect(try fixture.verify().runRecords == 2)
        #expect(try fixture.verify().isIntact)
    }

    @Test("a changed byte in an archived block is caught")
    func tamperedArchivedBlock() throws {
        let fixture = try ArchiveFixture()
        _ = try fixture.run()
        let path = fixture.directory.archivePath(fixture.day(-200))
        let connection = try SQLiteConnection(path: path)
        let read = try connection.prepare("SELECT seq, data FROM blocks")
        #expect(try read.step())
        let sequence = read.int64(0)
        var data = read.blob(1)
        data[data.count / 2] ^= 0x01
        let update = try connection.prepare("UPDATE blocks SET data = ? WHERE seq = ?")
        update.bind(1, data)
        update.bind(2, sequence)
        _ = try update.step()

        let failure = try #require(try fixture.verify().failure)
        #expect(failure.kind == .altered)
        #expect(failure.sequence == sequence)
        #expect(failure.detail.contains("archived block"))
    }

    @Test("a changed original digest in the archive breaks the chain")
    func tamperedArchivedDigest() throws {
        let fixture = try ArchiveFixture()
        _ = try fixture.run()
        let connection = try SQLiteConnection(path: fixture.directory.archivePath(fixture.day(-200)))
        try connection.execute("UPDATE blocks SET payload_digest = zeroblob(32)")
        let failure = try #require(try fixture.verify().failure)
        #expect(failure.kind == .altered)
        #expect(failure.sequence == 3)
    }

    @Test("deleting the run record, a tombstone or editing the run's counts is caught")
    func tamperedRunRecord() throws {
        for tamper in [
            "DELETE FROM retention_records", "DELETE FROM tombstones",
            "UPDATE retention_runs SET events_deleted = 0", "DELETE FROM archived_blocks WHERE seq = 3",
        ] {
            let fixture = try ArchiveFixture()
            _ = try fixture.run()
            #expect(try fixture.verify().isIntact)
            try SQLiteConnection(path: fixture.directory.metaPath).execute(tamper)
            let failure = try #require(try fixture.verify().failure, "\(tamper)")
            #expect([IntegrityFailure.Kind.missing, .altered].contains(failure.kind), "\(tamper)")
        }
    }

    @Test("archived blocks keep their online bytes: the payload their hash covers, unchanged")
    func copiedUnchanged() throws {
        let fixture = try ArchiveFixture(days: [(-200, "archived")])
        let online = try SQLiteConnection(path: fixture.directory.partitionPath(fixture.day(-200)))
            .prepare("SELECT data FROM blocks WHERE seq IS NOT NULL")
        #expect(try online.step())
        let before = online.blob(0)
        let report = try fixture.run()
        #expect(report.archive.bytesAfter == report.archive.bytesBefore)
        let archived = try SQLiteConnection(path: fixture.directory.archivePath(fixture.day(-200)))
            .prepare("SELECT data, payload_digest FROM blocks")
        #expect(try archived.step())
        #expect(archived.blob(0) == before)
        #expect(SHA256.hash(archived.blob(0)) == archived.blob(1))
    }

    @Test("with a recompression level, archived blocks are recompressed, still decode, and verify passes")
    func recompressed() throws {
        let fixture = try ArchiveFixture(days: [(-200, "archived")])
        let before = try fixture.found("archived")
        var job = RetentionJob(directory: fixture.directory, policy: fixture.policy)
        job.archiveLevel = 9
        let report = try job.run(now: fixture.now, dryRun: false)
        #expect(report.archive.blocks == 1)
        let archived = try SQLiteConnection(path: fixture.directory.archivePath(fixture.day(-200)))
            .prepare("SELECT data, payload_digest FROM blocks")
        #expect(try archived.step())
        #expect(SHA256.hash(archived.blob(0)) != archived.blob(1), "level 9 left the bytes as they were")
        #expect(try fixture.found("archived") == before)
        #expect(try fixture.verify().isIntact)
    }

    @Test("after a run, events in both tiers get inclusion proofs that verify against a new checkpoint")
    func proofsAfterRetention() throws {
        let fixture = try ArchiveFixture()
        _ = try fixture.run()
        let checkpointer = try Checkpointer(
            directory: fixture.directory, externalFile: fixture.folder.file("cp.ndjson"), now: 3_000)
        #expect(try checkpointer.checkpoint(now: 4_000)?.treeSize == 5)
        for subject in ["recent", "archived", "held-user"] {
            var query = EventQuery()
            query.subject = subject
            var located: [(AuditEvent, EventLocation)] = []
            try EventSearch(directory: fixture.directory).runLocated(query) { event, location in
                if let location { located.append((event, location)) }
            }
            let (event, location) = try #require(located.last, "\(subject): no located event")
            let proof = try InclusionProof.make(directory: fixture.directory, location: location)
            let proven = try InclusionProof(json: Array(proof.json.utf8)).verify(keys: [checkpointer.publicKey])
            #expect(proven == event, "\(subject)")
        }
    }

    @Test("a late event written while the day is moved defers the day: nothing is lost or doubled")
    func lateWriteDefers() throws {
        let fixture = try ArchiveFixture(days: [(-200, "archived")])
        let writer = try EventWriter(directory: fixture.directory, configuration: ArchiveFixture.configuration)
        let access = LateWriteAccess(writer: writer, late: EventFactory.event(7_000, dayOffset: -200, subject: "archived"))
        let report = try RetentionJob(directory: fixture.directory, policy: fixture.policy)
            .run(now: fixture.now, writer: access)
        try writer.close(now: 0)
        #expect(report.daysDeferred == [fixture.day(-200)])
        #expect(report.archive.blocks == 0)
        #expect(!FileManager.default.fileExists(atPath: fixture.directory.archivePath(fixture.day(-200))))
        #expect(try fixture.found("archived").count == 41)
        #expect(try fixture.verify().isIntact)

        // The next run moves the day, late event included.
        let next = try fixture.run()
        #expect(next.partitionsArchived == [fixture.day(-200)])
        #expect(try fixture.found("archived").count == 41)
        #expect(try fixture.verify().isIntact)
    }

    @Test("a late event for an archived day opens a new online partition; both tiers are searched")
    func lateEventAfterArchive() throws {
        let fixture = try ArchiveFixture(days: [(-200, "archived")])
        _ = try fixture.run()
        let writer = try EventWriter(directory: fixture.directory, configuration: ArchiveFixture.configuration)
        try writer.write([EventFactory.event(9_000, dayOffset: -200, subject: "archived")], now: 0)
        try writer.close(now: 0)
        #expect(try fixture.directory.partitionDays() == [fixture.day(-200)])
        #expect(try fixture.found("archived").count == 41)
        #expect(try StoreStatistics.read(fixture.directory, from: nil, to: nil).totalEvents == 41)
        #expect(try fixture.verify().isIntact)
    }

    @Test("archived blocks past keep_days are deleted from the archive, leaving tombstones")
    func deleteFromArchive() throws {
        let fixture = try ArchiveFixture(days: [(-200, "archived"), (-199, "archived")])
        _ = try fixture.run()
        let later = try RetentionJob(directory: fixture.directory, policy: fixture.policy)
            .run(now: fixture.now + 300 * 86_400_000_000, dryRun: false)
        #expect(later.record.blocksDeleted == 2)
        #expect(try fixture.directory.archiveDays().isEmpty)
        #expect(try fixture.found("archived").isEmpty)
        let verification = try fixture.verify()
        #expect(verification.failure == nil)
        #expect(verification.tombstones == 2)
        #expect(verification.runRecords == 2)
    }
}

/// Writer access that writes a late event into the day being moved just before the partition is
/// removed, as a producer might while the job runs in the daemon.
private final class LateWriteAccess: EventWriterAccess, @unchecked Sendable {
    let writer: EventWriter
    let late: AuditEvent
    private var written = false

    init(writer: EventWriter, late: AuditEvent) {
        self.writer = writer
        self.late = late
    }

    func withWriter<T: Sendable>(_ body: @escaping @Sendable (EventWriter) throws -> T) throws -> T {
        if !written {
            written = true
            try writer.write([late], now: 0)
        }
        return try body(writer)
    }
}
