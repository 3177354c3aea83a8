import Foundation
import JWTAuditModel
import JWTAuditStore
import JWTAuditTesting
import Testing

@Suite("EventWriter retries")
struct EventWriterRetryTests {
    @Test("a commit spanning two days that fails on the second day is retried without storing the first twice")
    func partialMultiDayCommit() throws {
        let folder = try TemporaryDirectory()
        let directory = DataDirectory(root: folder.file("data"))
        let writer = try EventWriter(directory: directory)
        let tomorrow = PartitionDay(containing: EventFactory.baseTime + 86_400_000_000)
        // A folder where tomorrow's partition file should be: opening it fails, as a full disk would.
        let blocker = directory.partitionPath(tomorrow)
        try FileManager.default.createDirectory(atPath: blocker, withIntermediateDirectories: true)

        var events = (0..<10).map { EventFactory.event($0, producer: "p", sequence: Int64($0 + 1)) }
        events += (10..<20).map { EventFactory.event($0, dayOffset: 1, producer: "q", sequence: Int64($0 + 1)) }
        var remaining = events
        #expect(throws: (any Error).self) { try writer.write(remaining: &remaining, now: 0) }
        #expect(remaining.map(\.tokenID) == (10..<20).map { "jti-1-\($0)" })

        try FileManager.default.removeItem(atPath: blocker)
        try writer.write(remaining: &remaining, now: 0)
        #expect(remaining.isEmpty)
        let stored = try EventSearch(directory: directory).collect(EventQuery()).compactMap(\.tokenID)
        #expect(stored.sorted() == events.compactMap(\.tokenID).sorted())
        #expect(try writer.storedSequences() == ["p": 10, "q": 20])
    }
}
