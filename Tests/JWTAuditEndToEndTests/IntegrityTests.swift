import Foundation
import JWTAuditCrypto
import JWTAuditStore
import JWTAuditTesting
import Testing

/// A data folder written by the real daemon in two sessions, every commit sealed at once: six
/// blocks alternating between two days, and two checkpoints (at 3 and 6 blocks) in the store and
/// in the external file beside the data folder.
private final class SignedStore {
    let settings: TemporaryDirectory
    let daemon: DaemonHarness
    let copies: TemporaryDirectory
    var checkpointFile: String { daemon.folder.file("jwtaudit-checkpoints.ndjson") }
    var keyFile: String { settings.file("signer.pem") }

    init() throws {
        settings = try TemporaryDirectory(prefix: "jwtaudit-int")
        try #"{"store": {"seal_threshold": 1}}"#.write(
            toFile: settings.file("config.json"), atomically: true, encoding: .utf8)
        daemon = try DaemonHarness(extraArguments: ["--config", settings.file("config.json")])
        copies = try TemporaryDirectory(prefix: "jwtaudit-copy")
        for session in 0..<2 {
            try daemon.start()
            let client = try daemon.connectAcknowledged(client: "integrity")
            for block in 1...3 {
                let number = session * 3 + block
                let day = number % 2 == 1 ? "2026-11-28" : "2026-11-29"
                let lines = (0..<4).map { index in
                    EventLine.validate(
                        ts: "\(day)T10:0\(number):0\(index)Z", sub: "user-\(number)", jti: "b\(number)-e\(index)",
                        seq: number * 10 + index)
                }
                try client.send(lines.joined())
                try client.awaitAck(block * 4)
            }
            #expect(try daemon.stop() == 0)
        }
        let exported = try DaemonHarness.run(["keys", "export", "--data", daemon.dataPath])
        #expect(exported.status == 0, "\(exported.error)")
        try exported.output.write(toFile: keyFile, atomically: true, encoding: .utf8)
    }

    /// A copy of the data folder, as an auditor would receive it.
    func copy(_ name: String) throws -> String {
        let path = copies.file(name)
        try FileManager.default.copyItem(atPath: daemon.dataPath, toPath: path)
        return path
    }

    /// `jwtaudit verify` on `data` with the external file and the exported key.
    func verify(_ data: String, checkpoints: String? = nil) throws -> (status: Int32, output: String, error: String) {
        try DaemonHarness.run(
            ["verify", "--data", data, "--checkpoints", checkpoints ?? checkpointFile, "--key", keyFile])
    }
}

/// Runs `sql` on one partition of `data`.
private func tamper(_ data: String, day: String, _ sql: String) throws {
    try SQLiteConnection(path: "\(data)/partitions/events-\(day).sqlite").execute(sql)
}

@Suite("Tamper evidence", .serialized)
struct IntegrityTests {
    @Test("an untouched copy verifies: 6 blocks, 24 events, checkpoints from the store and the file")
    func intact() throws {
        let store = try SignedStore()
        let result = try store.verify(try store.copy("intact"))
        #expect(result.status == 0, "\(result.output)\(result.error)")
        #expect(result.output.contains("intact: 6 blocks, 24 events in 2 partitions"))
        #expect(result.output.contains("2 in the store, 2 in \(store.checkpointFile)"))
        #expect(result.output.contains("tree sizes 3…6"))
        #expect(result.output.contains("(given with --key)"))
    }

    @Test("a changed byte in a block payload: altered, naming the block and its partition")
    func changedByte() throws {
        let store = try SignedStore()
        let data = try store.copy("byte")
        try tamper(
            data, day: "2026-11-29",
            "UPDATE blocks SET data = CAST(substr(data, 1, 19) || x'5a' || substr(data, 21) AS BLOB) WHERE seq = 4")
        let result = try store.verify(data)
        #expect(result.status == 1)
        #expect(result.output.hasPrefix("FAILED: altered: block 4 (partition 2026-11-29"), "\(result.output)")
    }

    @Test("a deleted middle block: missing, naming its sequence number")
    func deletedBlock() throws {
        let store = try SignedStore()
        let data = try store.copy("deleted")
        try tamper(data, day: "2026-11-28", "DELETE FROM blocks WHERE seq = 3")
        let result = try store.verify(data)
        #expect(result.status == 1)
        #expect(result.output.hasPrefix("FAILED: missing: block 3:"), "\(result.output)")
    }

    @Test("a reordered pair of blocks: reordered, at the first of the two")
    func reorderedPair() throws {
        let store = try SignedStore()
        let data = try store.copy("reordered")
        try tamper(
            data, day: "2026-11-28",
            "UPDATE blocks SET seq = -seq WHERE seq IN (3, 5); UPDATE blocks SET seq = 8 - abs(seq) WHERE seq < 0")
        let result = try store.verify(data)
        #expect(result.status == 1)
        #expect(result.output.hasPrefix("FAILED: reordered: block 3 (partition 2026-11-28"), "\(result.output)")
    }

    @Test("the newest blocks cut off (and the store's checkpoints with them): the external file shows a truncated tail")
    func truncatedTail() throws {
        let store = try SignedStore()
        let data = try store.copy("truncated")
        try tamper(data, day: "2026-11-29", "DELETE FROM blocks WHERE seq = 6")
        try tamper(data, day: "2026-11-28", "DELETE FROM blocks WHERE seq = 5")
        try SQLiteConnection(path: data + "/meta.sqlite").execute("DELETE FROM checkpoints WHERE tree_size > 4")
        let result = try store.verify(data)
        #expect(result.status == 1)
        #expect(result.output.hasPrefix("FAILED: truncated tail: block 5:"), "\(result.output)")
        #expect(result.output.contains("signs 6 blocks but the store holds 4"))
    }

    @Test("every hash recomputed after a change, by someone without the signing key: the signed checkpoints disagree")
    func recomputedChain() throws {
        let store = try SignedStore()
        let data = try store.copy("recomputed")
        try tamper(
            data, day: "2026-11-29",
            "UPDATE blocks SET data = CAST(substr(data, 1, 19) || x'5a' || substr(data, 21) AS BLOB) WHERE seq = 4")
        try recomputeChain(data)

        let withStoreCheckpoints = try store.verify(data)
        #expect(withStoreCheckpoints.status == 1)
        #expect(
            withStoreCheckpoints.output.hasPrefix("FAILED: chain recomputed without the key: block 4"),
            "\(withStoreCheckpoints.output)")

        try SQLiteConnection(path: data + "/meta.sqlite").execute("DELETE FROM checkpoints")
        let withFile = try store.verify(data)
        #expect(withFile.status == 1)
        #expect(withFile.output.hasPrefix("FAILED: chain recomputed without the key: block 4"), "\(withFile.output)")
        #expect(withFile.output.contains("\(store.checkpointFile) line 2"))
    }

    @Test("a changed checkpoint in the external file: bad signature")
    func changedCheckpoint() throws {
        let store = try SignedStore()
        let data = try store.copy("signature")
        var lines = try String(contentsOfFile: store.checkpointFile, encoding: .utf8).split(separator: "\n").map(
            String.init)
        lines[0] = lines[0].replacingOccurrences(of: "\"tree_size\":3", with: "\"tree_size\":2")
        let forged = store.copies.file("forged.ndjson")
        try (lines.joined(separator: "\n") + "\n").write(toFile: forged, atomically: true, encoding: .utf8)
        let result = try store.verify(data, checkpoints: forged)
        #expect(result.status == 1)
        #expect(result.output.hasPrefix("FAILED: bad signature:"), "\(result.output)")
        #expect(result.output.contains("forged.ndjson line 1"))
    }

    @Test("prove writes a proof that verify-proof accepts offline; a tampered proof is refused")
    func proofRoundTrip() throws {
        let store = try SignedStore()
        let search = try DaemonHarness.run(["search", "--data", store.daemon.dataPath, "--jti", "b5-e2", "--with-ref"])
        let event = try replyObject(String(search.output.split(separator: "\n").first ?? ""))
        let reference = try #require(event["ref"] as? String)
        #expect(reference == "2026-11-28:5:2")
        let proofPath = store.copies.file("proof.json")
        let prove = try DaemonHarness.run(["prove", "--data", store.daemon.dataPath, reference, "--output", proofPath])
        #expect(prove.status == 0, "\(prove.error)")

        let good = try DaemonHarness.run(["verify-proof", proofPath, "--key", store.keyFile])
        #expect(good.status == 0, "\(good.output)")
        #expect(good.output.hasPrefix("valid: event 2026-11-28:5:2 is in block 5, under the checkpoint of 6 blocks"))
        #expect(good.output.contains("\"jti\":\"b5-e2\""))

        let text = try String(contentsOfFile: proofPath, encoding: .utf8)
        let forged = store.copies.file("forged-proof.json")
        try text.replacingOccurrences(of: "\"sub\":\"user-5\"", with: "\"sub\":\"user-6\"")
            .write(toFile: forged, atomically: true, encoding: .utf8)
        let bad = try DaemonHarness.run(["verify-proof", forged, "--key", store.keyFile])
        #expect(bad.status == 1)
        #expect(bad.output.hasPrefix("INVALID: the event in the proof differs"), "\(bad.output)")

        let stranger = store.copies.file("stranger.pem")
        try Ed25519PrivateKey.generate().key.publicKey.pem.write(toFile: stranger, atomically: true, encoding: .utf8)
        let wrongKey = try DaemonHarness.run(["verify-proof", proofPath, "--key", stranger])
        #expect(wrongKey.status == 1)
    }

    @Test("the signing key file is 0600; a readable one stops the daemon; rotation keeps old checkpoints verifiable")
    func keys() throws {
        let store = try SignedStore()
        let keyPath = store.daemon.dataPath + "/secrets/checkpoint-signing.key"
        #expect((try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? Int) == 0o600)

        chmod(keyPath, 0o640)
        #expect(throws: (any Error).self) { try store.daemon.start(timeout: 20) }
        #expect(store.daemon.log(tail: 5).contains("refusing to use it"))
        chmod(keyPath, 0o600)

        let rotated = try DaemonHarness.run(["keys", "rotate", "--data", store.daemon.dataPath])
        #expect(rotated.status == 0, "\(rotated.error)")
        try store.daemon.start()
        let refused = try DaemonHarness.run(["keys", "rotate", "--data", store.daemon.dataPath])
        #expect(refused.status != 0)
        let client = try store.daemon.connectAcknowledged(client: "after-rotation")
        try client.send(EventLine.validate(ts: "2026-11-29T11:00:00Z", jti: "late", seq: 1))
        try client.awaitAck(1)
        #expect(try store.daemon.stop() == 0)

        let current = try DaemonHarness.run(["keys", "export", "--data", store.daemon.dataPath])
        let currentKey = store.copies.file("current.pem")
        try current.output.write(toFile: currentKey, atomically: true, encoding: .utf8)
        let onlyNew = try DaemonHarness.run(
            ["verify", "--data", store.daemon.dataPath, "--checkpoints", store.checkpointFile, "--key", currentKey])
        #expect(onlyNew.status == 1)
        #expect(onlyNew.output.hasPrefix("FAILED: bad signature:"))

        let all = try DaemonHarness.run(["keys", "export", "--data", store.daemon.dataPath, "--all"])
        let allKeys = store.copies.file("all.pem")
        try all.output.write(toFile: allKeys, atomically: true, encoding: .utf8)
        #expect(all.output.components(separatedBy: "BEGIN PUBLIC KEY").count == 3)
        let both = try DaemonHarness.run(
            ["verify", "--data", store.daemon.dataPath, "--checkpoints", store.checkpointFile, "--key", allKeys])
        #expect(both.status == 0, "\(both.output)")
        #expect(both.output.contains("intact: 7 blocks"))
    }
}

/// What someone with write access but without the signing key can do: recompute every block's
/// hash, in chain order, over what is stored now.
private func recomputeChain(_ data: String) throws {
    let directory = DataDirectory(root: data)
    var rows: [(day: PartitionDay, id: Int64, header: BlockHeader)] = []
    for day in try directory.partitionDays() {
        let connection = try SQLiteConnection(path: directory.partitionPath(day), readOnly: true)
        let statement = try connection.prepare(
            """
            SELECT id, seq, min_ts, max_ts, min_received, max_received, event_count, format, keys, data
            FROM blocks WHERE seq IS NOT NULL
            """)
        while try statement.step() {
            let header = BlockHeader(
                sequence: statement.int64(1), day: day, minTimestamp: statement.int64(2),
                maxTimestamp: statement.int64(3), minReceived: statement.int64(4), maxReceived: statement.int64(5),
                eventCount: statement.int64(6), format: statement.int64(7),
                keysDigest: SHA256.hash(statement.blob(8)), payloadDigest: SHA256.hash(statement.blob(9)))
            rows.append((day, statement.int64(0), header))
        }
    }
    var previous = BlockHeader.genesisHash
    for row in rows.sorted(by: { $0.header.sequence < $1.header.sequence }) {
        let hash = row.header.hash(previous: previous)
        let connection = try SQLiteConnection(path: directory.partitionPath(row.day))
        let update = try connection.prepare("UPDATE blocks SET prev_hash = ?, hash = ? WHERE id = ?")
        update.bind(1, previous)
        update.bind(2, hash)
        update.bind(3, row.id)
        try update.step()
        previous = hash
    }
}

@Suite("Checkpoints in the daemon", .serialized)
struct CheckpointServiceTests {
    @Test("a clean stop seals the unsealed events and signs a checkpoint that covers them")
    func shutdownSealsAndSigns() throws {
        let daemon = try DaemonHarness()
        try daemon.start()
        let client = try daemon.connectAcknowledged(client: "shutdown")
        try client.send((1...3).map { (number: Int) in EventLine.validate(jti: "s\(number)", seq: number) }.joined())
        try client.awaitAck(3)
        let before = try DaemonHarness.run(["verify", "--data", daemon.dataPath])
        #expect(before.output.contains("unsealed: 3 events"))
        #expect(try daemon.stop() == 0)
        let after = try DaemonHarness.run(["verify", "--data", daemon.dataPath])
        #expect(after.status == 0)
        #expect(after.output.hasPrefix("intact: 1 block, 3 events"), "\(after.output)")
        #expect(after.output.contains("1 in \(daemon.folder.file("jwtaudit-checkpoints.ndjson"))"))
        #expect(!after.output.contains("not yet signed"))
        #expect(!after.output.contains("unsealed"))
    }

    @Test("while the daemon runs, a checkpoint is appended to --checkpoint-file every interval when blocks were sealed")
    func interval() throws {
        let settings = try TemporaryDirectory(prefix: "jwtaudit-int")
        try #"{"store": {"seal_threshold": 1}}"#.write(
            toFile: settings.file("config.json"), atomically: true, encoding: .utf8)
        let file = settings.file("published.ndjson")
        let daemon = try DaemonHarness(extraArguments: [
            "--config", settings.file("config.json"), "--checkpoint-interval", "1", "--checkpoint-file", file,
        ])
        try daemon.start()
        let client = try daemon.connectAcknowledged(client: "interval")
        try client.send(EventLine.validate(jti: "i1", seq: 1))
        try client.awaitAck(1)
        let published = { (try? String(contentsOfFile: file, encoding: .utf8)) ?? "" }
        #expect(eventually(timeout: 10) { published().contains("\"tree_size\":1,") })
        try client.send(EventLine.validate(jti: "i2", seq: 2))
        try client.awaitAck(2)
        #expect(eventually(timeout: 10) { published().contains("\"tree_size\":2,") })
        #expect(try daemon.stop() == 0)
        let lines = try String(contentsOfFile: file, encoding: .utf8).split(separator: "\n")
        #expect(lines.count == 2, "no checkpoint is signed when nothing new was sealed")
        let verify = try DaemonHarness.run(["verify", "--data", daemon.dataPath, "--checkpoints", file])
        #expect(verify.status == 0, "\(verify.output)")
    }
}
