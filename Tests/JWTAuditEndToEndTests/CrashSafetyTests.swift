import Foundation
import JWTAuditLoad
import JWTAuditTesting
import Testing

/// `kill -9` under load (docs/storage.md, "Crashes and full disks"). The default run kills the
/// daemon 3 times; `JWTAUDIT_CRASH_KILLS=20 swift test --filter CrashSafety` is the dedicated run.
/// The seed is printed; `JWTAUDIT_CRASH_SEED=N` replays a run's kill moments.
@Suite("CrashSafety", .serialized)
struct CrashSafetyTests {
    static var kills: Int {
        ProcessInfo.processInfo.environment["JWTAUDIT_CRASH_KILLS"].flatMap(Int.init) ?? 3
    }

    @Test("kill -9 at random moments under acknowledged load: each acknowledged event stored once, verify passes")
    func killsUnderLoad() throws {
        let seed =
            ProcessInfo.processInfo.environment["JWTAUDIT_CRASH_SEED"].flatMap(UInt64.init)
            ?? UInt64.random(in: 1...UInt64(UInt32.max))
        print("CrashSafety: \(Self.kills) kills, seed \(seed) (replay with JWTAUDIT_CRASH_SEED=\(seed))")
        var random = SplitMix64(seed: seed)
        let daemon = try DaemonHarness(extraArguments: ["--checkpoint-interval", "1"])
        try daemon.start()
        let producers = (1...3).map { ResendingProducer(name: "crash-\($0)", socketPath: daemon.socketPath) }
        producers.forEach { $0.start() }
        defer { producers.forEach { $0.finish() } }

        func total() -> Int { producers.reduce(0) { $0 + $1.acknowledged } }
        var killedAt: [Int] = []
        for _ in 0..<Self.kills {
            // Kill under load: once acks flow again after the restart, at a random moment.
            let before = total()
            #expect(eventually(timeout: 60) { total() >= before + 300 }, "no acks after a restart")
            Thread.sleep(forTimeInterval: Double(random.next() % 700 + 30) / 1_000)
            killedAt.append(total())
            try daemon.kill()
            if random.next() % 2 == 0 { Thread.sleep(forTimeInterval: Double(random.next() % 200) / 1_000) }
            try daemon.start()
        }
        Thread.sleep(forTimeInterval: 0.3)
        producers.forEach { $0.finish() }
        for producer in producers {
            #expect(producer.wait(timeout: 120), "\(producer.name) did not finish: \(producer.failure ?? "")")
            #expect(producer.failure == nil, "\(producer.name): \(producer.failure ?? "")")
            #expect(producer.otherErrors.isEmpty, "\(producer.name): \(producer.otherErrors.prefix(3))")
            #expect(producer.stalls == 0, "\(producer.summary)")
        }
        let acknowledged = Dictionary(uniqueKeysWithValues: producers.map { ($0.name, $0.acknowledged) })
        print("CrashSafety: acknowledged at each kill \(killedAt); at the end \(acknowledged)")
        #expect(producers.allSatisfy { $0.connections > Self.kills / 2 }, "the producers did not see the kills")

        // A last crash leaves unsealed blocks and unsigned blocks: verify must pass as it is.
        try daemon.kill()
        try expectIntact(daemon.dataPath, "after the last kill")
        try daemon.start()
        try expectExactlyOnce(daemon.dataPath, acknowledged)
        #expect(try daemon.stop() == 0)
        try expectIntact(daemon.dataPath, "after a clean stop")
        try expectExactlyOnce(daemon.dataPath, acknowledged)
    }
}

/// Every producer's `seq` 1...acknowledged is stored exactly once, and nothing else.
func expectExactlyOnce(_ data: String, _ acknowledged: [String: Int]) throws {
    var stored: [String: [Int: Int]] = [:]
    for event in try searchEvents(data) {
        guard let producer = event["producer"] as? String, let seq = event["seq"] as? Int else { continue }
        stored[producer, default: [:]][seq, default: 0] += 1
        if let jti = event["jti"] as? String { #expect(jti == "\(producer)-\(seq)") }
    }
    for (producer, highest) in acknowledged {
        let counts = stored[producer] ?? [:]
        let missing = (1...max(1, highest)).filter { counts[$0] == nil }
        let duplicated = counts.filter { $0.value > 1 }.map(\.key).sorted()
        #expect(missing.count == 0, "\(producer): \(missing.count) acknowledged missing, first \(missing.prefix(5))")
        #expect(duplicated.count == 0, "\(producer): \(duplicated.count) stored twice, first \(duplicated.prefix(5))")
        #expect(counts.count == highest, "\(producer): \(counts.count) stored, \(highest) acknowledged")
    }
}

/// `jwtaudit verify` on `data` (with the checkpoint file beside it) exits 0 and says intact.
func expectIntact(_ data: String, _ when: String) throws {
    let result = try DaemonHarness.run(["verify", "--data", data])
    #expect(result.status == 0, "verify \(when): \(result.output) \(result.error)")
    #expect(result.output.hasPrefix("intact:"), "verify \(when): \(result.output)")
}
