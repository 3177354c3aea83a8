import Foundation
import JWTAuditTesting
import Testing

@Suite("Durability", .serialized)
struct DurabilityTests {
    private func sendAcknowledged(_ daemon: DaemonHarness, client name: String, range: ClosedRange<Int>) throws {
        let client = try daemon.connectAcknowledged(client: name)
        try client.send(range.map { EventLine.validate(sub: "u\($0 % 50)", jti: "\(name)-\($0)", seq: $0) }.joined())
        try client.awaitAck(range.count, timeout: 60)
    }

    @Test("SIGTERM drains and exits 0; after a restart every event is there once")
    func gracefulRestart() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        try sendAcknowledged(daemon, client: "graceful", range: 1...3_000)
        #expect(try daemon.stop() == 0)
        try daemon.start()
        try sendAcknowledged(daemon, client: "graceful", range: 2_001...4_000)
        let jtis = try searchEvents(daemon.dataPath).compactMap { $0["jti"] as? String }
        #expect(jtis.count == 4_000)
        #expect(Set(jtis).count == 4_000)
        #expect(try daemon.stop() == 0)
    }

    @Test("kill -9 right after an ack loses nothing acknowledged, and the stale socket is replaced")
    func killAfterAck() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        for round in 0..<3 {
            try sendAcknowledged(daemon, client: "crash", range: (round * 1_000 + 1)...(round * 1_000 + 1_000))
            try daemon.kill()
            try daemon.start()
        }
        let jtis = try searchEvents(daemon.dataPath).compactMap { $0["jti"] as? String }
        #expect(jtis.count == 3_000)
        #expect(Set(jtis).count == 3_000)
        #expect(try daemon.stop() == 0)
    }
}
