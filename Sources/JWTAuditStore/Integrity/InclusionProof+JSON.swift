import JWTAuditCrypto
import JWTAuditModel

extension InclusionProof {
    /// The proof file: one JSON object, one top-level member per line.
    ///
    ///     {"v":1,
    ///     "event_ref":"2026-11-29:17:3",
    ///     "event":{…},
    ///     "block":{"seq":17,"day":"2026-11-29","min_ts":…,"max_ts":…,"min_received":…,"max_received":…,
    ///              "event_count":…,"format":1,"keys_sha256":"…","payload_sha256":"…","prev_hash":"…",
    ///              "hash":"…","payload":"<base64>"},
    ///     "inclusion":{"leaf_index":16,"tree_size":40,"path":["…",…]},
    ///     "checkpoint":{…as in the checkpoint file…}}
    public var json: String {
        var event: [UInt8] = []
        Self.write(self.event, to: &event)
        let block = [
            "\"seq\":\(header.sequence)", "\"day\":\"\(header.day.name)\"", "\"min_ts\":\(header.minTimestamp)",
            "\"max_ts\":\(header.maxTimestamp)", "\"min_received\":\(header.minReceived)",
            "\"max_received\":\(header.maxReceived)", "\"event_count\":\(header.eventCount)",
            "\"format\":\(header.format)", "\"keys_sha256\":\"\(Hex.encode(header.keysDigest))\"",
            "\"payload_sha256\":\"\(Hex.encode(header.payloadDigest))\"",
            "\"prev_hash\":\"\(Hex.encode(previousHash))\"", "\"hash\":\"\(Hex.encode(blockHash))\"",
            "\"payload\":\"\(Base64.encode(payload))\"",
        ].joined(separator: ",")
        let path = self.path.map { "\"\(Hex.encode($0))\"" }.joined(separator: ",")
        return """
            {"v":1,
            "event_ref":"\(location)",
            "event":\(String(decoding: event, as: UTF8.self)),
            "block":{\(block)},
            "inclusion":{"leaf_index":\(header.sequence - 1),"tree_size":\(checkpoint.treeSize),"path":[\(path)]},
            "checkpoint":\(checkpoint.jsonLine)}

            """
    }

    /// Reads a proof file; throws naming the field that is missing or malformed.
    public init(json bytes: [UInt8]) throws {
        let root: PositionedJSON
        do {
            root = try PositionedJSON.parse(bytes)
        } catch {
            throw IntegrityError("line \(error.line): not valid JSON: \(error.message)")
        }
        let top = try Fields(root, "the proof")
        guard try top.integer("v") == 1 else { throw IntegrityError("field v must be 1") }
        guard let location = EventLocation(try top.string("event_ref")) else {
            throw IntegrityError("field event_ref must be DAY:BLOCK:INDEX")
        }
        guard let event = top.values["event"], case .object = event.value else {
            throw IntegrityError("field event must be an object")
        }
        let block = try Fields(top.require("block"), "block")
        guard let day = PartitionDay(name: try block.string("day")) else {
            throw IntegrityError("field block.day must be YYYY-MM-DD")
        }
        let header = BlockHeader(
            sequence: Int64(try block.integer("seq")), day: day, minTimestamp: Int64(try block.integer("min_ts")),
            maxTimestamp: Int64(try block.integer("max_ts")), minReceived: Int64(try block.integer("min_received")),
            maxReceived: Int64(try block.integer("max_received")),
            eventCount: Int64(try block.integer("event_count")), format: Int64(try block.integer("format")),
            keysDigest: try block.hash("keys_sha256"), payloadDigest: try block.hash("payload_sha256"))
        guard let payload = Base64.decode(try block.string("payload")) else {
            throw IntegrityError("field block.payload must be base64")
        }
        let inclusion = try Fields(top.require("inclusion"), "inclusion")
        guard case .array(let items) = try inclusion.require("path").value else {
            throw IntegrityError("field inclusion.path must be an array")
        }
        let path = try items.map { item in
            guard case .string(let text) = item.value, let bytes = Hex.decode(text), bytes.count == 32 else {
                throw IntegrityError("field inclusion.path must hold 64-hex-digit hashes")
            }
            return bytes
        }
        let checkpoint: Checkpoint
        do {
            checkpoint = try Checkpoint(json: top.require("checkpoint"))
        } catch let error as CheckpointFormatError {
            throw IntegrityError("field checkpoint: \(error)")
        }
        guard Int64(try inclusion.integer("leaf_index")) == header.sequence - 1,
            Int64(try inclusion.integer("tree_size")) == checkpoint.treeSize
        else {
            throw IntegrityError("field inclusion does not match the block's sequence number and the checkpoint")
        }
        self.init(
            location: location, event: event, header: header, previousHash: try block.hash("prev_hash"),
            blockHash: try block.hash("hash"), payload: payload, path: path, checkpoint: checkpoint)
    }

    /// The members of one object of the proof, by name.
    private struct Fields {
        var values: [String: PositionedJSON] = [:]
        var name: String

        init(_ json: PositionedJSON, _ name: String) throws {
            guard case .object(let members) = json.value else { throw IntegrityError("\(name) must be an object") }
            for member in members { values[member.key] = member.value }
            self.name = name
        }

        func require(_ key: String) throws -> PositionedJSON {
            guard let value = values[key] else { throw IntegrityError("\(name) has no field \(key)") }
            return value
        }

        func integer(_ key: String) throws -> Int {
            guard case .integer(let value) = try require(key).value else {
                throw IntegrityError("field \(key) of \(name) must be an integer")
            }
            return value
        }

        func string(_ key: String) throws -> String {
            guard case .string(let value) = try require(key).value else {
                throw IntegrityError("field \(key) of \(name) must be a string")
            }
            return value
        }

        func hash(_ key: String) throws -> [UInt8] {
            guard let bytes = Hex.decode(try string(key)), bytes.count == 32 else {
                throw IntegrityError("field \(key) of \(name) must be 64 hex digits")
            }
            return bytes
        }
    }

    /// Writes `value` as compact JSON.
    static func write(_ value: PositionedJSON, to out: inout [UInt8]) {
        switch value.value {
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                writeString(member.key, to: &out)
                out.append(UInt8(ascii: ":"))
                write(member.value, to: &out)
            }
            out.append(UInt8(ascii: "}"))
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                write(item, to: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .string(let string): writeString(string, to: &out)
        case .integer(let integer): out += Array(String(integer).utf8)
        case .number(let number): out += Array(String(number).utf8)
        case .bool(let bool): out += Array((bool ? "true" : "false").utf8)
        case .null: out += Array("null".utf8)
        }
    }

    private static func writeString(_ string: String, to out: inout [UInt8]) {
        EventJSON.appendEscaped(string, to: &out)
    }
}
