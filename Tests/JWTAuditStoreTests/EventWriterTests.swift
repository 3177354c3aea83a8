import Foundation
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

@Suite("EventWriter and EventSearch")
struct EventWriterTests {
    private func blockCounts(_ directory: DataDirectory, _ day: PartitionDay) throws -> (sealed: Int64, unsealed: Int64) {
        let connection = try SQLiteConnection(path: directory.partitionPath(day), readOnly: true)
        return (
            try connection.scalarInt("SELECT count(*) FROM blocks WHERE sealed = 1") ?? -1,
            try connection.scalarInt("SELECT count(*) FROM blocks WHERE sealed = 0") ?? -1
        )
    }

    @Test("small commits stay unsealed blocks until the threshold, then become one sealed block")
    func sealing() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        var configuration = StoreConfiguration()
        configuration.sealThreshold = 100
        let writer = try EventWriter(directory: directory, configuration: configuration)
        let day = PartitionDay(containing: EventFactory.baseTime)
        for start in stride(from: 0, to: 90, by: 10) {
            try writer.write((start..<start + 10).map { EventFactory.event($0) }, now: 0)
        }
        #expect(try blockCounts(directory, day) == (0, 9))
        #expect(try EventSearch(directory: directory).collect(EventQuery()).count == 90)

        try writer.write((90..<110).map { EventFactory.event($0) }, now: 0)
        #expect(try blockCounts(directory, day) == (1, 0))
        let events = try EventSearch(directory: directory).collect(EventQuery())
        #expect(events.map(\.tokenID) == (0..<110).map { "jti-0-\($0)" })
    }

    @Test("unsealed blocks survive a reopen and are sealed at the next check, by age, or at close")
    func reopenAndSealByAge() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        let day = PartitionDay(containing: EventFactory.baseTime)
        do {
            let writer = try EventWriter(directory: directory)
            try writer.write((0..<5).map { EventFactory.event($0) }, now: 1_000_000)
            #expect(writer.unsealedEventCount == 5)
        }
        let writer = try EventWriter(directory: directory)
        #expect(writer.unsealedEventCount == 5)
        try writer.write((5..<8).map { EventFactory.event($0) }, now: 2_000_000)
        #expect(try blockCounts(directory, day) == (0, 2))
        try writer.sealIdle(now: 2_000_000)
        #expect(try blockCounts(directory, day) == (1, 0))

        try writer.write([EventFactory.event(8)], now: 40_000_000)
        try writer.sealIdle(now: 40_000_000 + 29_000_000)
        #expect(try blockCounts(directory, day) == (1, 1))
        try writer.sealIdle(now: 40_000_000 + 30_000_000)
        #expect(try blockCounts(directory, day) == (2, 0))

        try writer.write([EventFactory.event(9)], now: 80_000_000)
        try writer.close(now: 80_000_000)
        #expect(try blockCounts(directory, day) == (3, 0))
        #expect(try EventSearch(directory: directory).collect(EventQuery()).count == 10)
    }

    @Test("events go to the partition of their UTC day; producer marks are recovered as the maximum")
    func partitionsAndSequences() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        let writer = try EventWriter(directory: directory)
        var events: [AuditEvent] = []
        for index in 0..<30 {
            events.append(EventFactory.event(index, dayOffset: index % 3 - 1, producer: "svc-a", sequence: Int64(index + 1)))
            events.append(EventFactory.event(index, dayOffset: 0, producer: "svc-b", sequence: Int64(100 + index)))
        }
        try writer.write(events, now: 0)
        #expect(try directory.partitionDays().map(\.name) == ["2026-11-28", "2026-11-29", "2026-11-30"])
        #expect(try EventWriter(directory: directory).storedSequences() == ["svc-a": 30, "svc-b": 129])
        let stored = try EventSearch(directory: directory).collect(EventQuery())
        #expect(stored.count == 60)
        #expect(stored.map(\.timestamp) == stored.map(\.timestamp).sorted())
    }

    @Test("key filters find one subject, token or address among many blocks")
    func keyedSearch() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        var configuration = StoreConfiguration()
        configuration.sealThreshold = 50
        configuration.maxBlockEvents = 50
        let writer = try EventWriter(directory: directory, configuration: configuration)
        try writer.write((0..<1_000).map { EventFactory.event($0, subject: "user-\($0)") }, now: 0)
        let search = EventSearch(directory: directory)
        var query = EventQuery()
        query.subject = "user-777"
        #expect(try search.collect(query).map(\.tokenID) == ["jti-0-777"])
        query = EventQuery()
        query.tokenID = "jti-0-12"
        #expect(try search.collect(query).map(\.subject) == ["user-12"])
        query = EventQuery()
        query.clientIP = "192.0.2.199"
        #expect(try search.collect(query).count == 5)
        query.from = EventFactory.baseTime + 500_000_000
        #expect(try search.collect(query).map(\.tokenID) == ["jti-0-599", "jti-0-799", "jti-0-999"])
    }

    @Test("rollups count events by service, outcome and reason; bytes per event is reported")
    func statistics() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        let writer = try EventWriter(directory: directory)
        var events = (0..<40).map { EventFactory.event($0, service: "api") }
        events += (40..<50).map { EventFactory.event($0, service: "web", outcome: .rejected, reason: .expired) }
        events += (50..<53).map { EventFactory.event($0, service: "web", outcome: .rejected, reason: .badSignature) }
        try writer.write(events, now: 0)
        let stats = try StoreStatistics.read(directory, from: nil, to: nil)
        #expect(stats.totalEvents == 53)
        #expect(stats.storedEvents == 53)
        #expect(stats.groups.map(\.events) == [40, 10, 3])
        #expect(stats.groups.map(\.reason) == [nil, .expired, .badSignature])
        #expect((stats.bytesPerEvent ?? 0) > 0)
        let firstHalfMinute = try StoreStatistics.read(
            directory, from: EventFactory.baseTime, to: EventFactory.baseTime + 30_000_000)
        #expect(firstHalfMinute.totalEvents == 53, "rollups are per minute: the range is widened to whole minutes")
        let secondMinute = try StoreStatistics.read(
            directory, from: EventFactory.baseTime + 60_000_000, to: nil)
        #expect(secondMinute.totalEvents == 0)
    }
}
