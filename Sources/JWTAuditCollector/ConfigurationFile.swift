import Foundation
import JWTAuditModel

/// Reads the daemon's JSON configuration file. Unknown keys, repeated keys and wrong types are
/// refused with the file, line and field named, so that a typo in a security setting never
/// passes silently.
public enum ConfigurationFile {
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// `base` with the settings of the file at `path` applied.
    public static func load(_ path: String, over base: CollectorConfiguration = CollectorConfiguration()) throws
        -> CollectorConfiguration
    {
        try load(path, over: base, sections: []).configuration
    }

    /// `base` with the collector's settings applied, and the top-level members named in `sections`
    /// (such as `outputs`) handed back unread, for the parts of the daemon that own them.
    public static func load(
        _ path: String, over base: CollectorConfiguration = CollectorConfiguration(), sections: Set<String>
    ) throws -> (configuration: CollectorConfiguration, sections: [String: PositionedJSON]) {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "\(path): cannot read the configuration file")
        }
        let root: PositionedJSON
        do {
            root = try PositionedJSON.parse(Array(data))
        } catch {
            throw Problem(description: "\(path):\(error.line): not valid JSON: \(error.message)")
        }
        let reader = Reader(path: path)
        let members = try reader.members(of: root, field: "the configuration")
        let configuration = try reader.apply(members.filter { !sections.contains($0.key) }, to: base)
        var found: [String: PositionedJSON] = [:]
        for member in members where sections.contains(member.key) { found[member.key] = member.value }
        return (configuration, found)
    }

    private struct Reader {
        let path: String

        func problem(_ line: Int, _ field: String, _ message: String) -> Problem {
            Problem(description: "\(path):\(line): field \(field): \(message)")
        }

        /// The members of an object, refusing anything else and repeated keys.
        func members(of value: PositionedJSON, field: String) throws -> [PositionedJSON.Member] {
            guard case .object(let members) = value.value else {
                throw problem(value.line, field, "must be an object, not \(value.typeName)")
            }
            var seen: Set<String> = []
            for member in members where !seen.insert(member.key).inserted {
                throw problem(member.line, member.key, "appears twice")
            }
            return members
        }

        func apply(_ members: [PositionedJSON.Member], to base: CollectorConfiguration) throws
            -> CollectorConfiguration
        {
            var configuration = base
            for member in members {
                let key = member.key
                switch key {
                case "socket": configuration.socketPath = try string(member, key)
                case "socket_group": configuration.socketGroup = try string(member, key)
                case "socket_mode": configuration.socketMode = try socketMode(member)
                case "data": configuration.dataPath = try string(member, key)
                case "max_line_bytes": configuration.limits.maxLineBytes = try integer(member, key, 1_024...16_777_216)
                case "max_connections": configuration.maxConnections = try integer(member, key, 1...1_000_000)
                case "max_in_flight_events":
                    configuration.maxInFlightEventsPerConnection = try integer(member, key, 1...10_000_000)
                case "first_line_timeout_seconds":
                    configuration.firstLineTimeoutSeconds = try integer(member, key, 0...86_400)
                case "partial_line_timeout_seconds":
                    configuration.partialLineTimeoutSeconds = try integer(member, key, 0...86_400)
                case "max_outbound_bytes":
                    configuration.maxOutboundBytesPerConnection = try integer(member, key, 4_096...1_073_741_824)
                case "write_stall_timeout_seconds":
                    configuration.writeStallTimeoutSeconds = try integer(member, key, 0...86_400)
                case "max_lines_per_second":
                    configuration.maxLinesPerSecondPerConnection = try integer(member, key, 0...100_000_000)
                case "max_lines_per_second_per_uid":
                    configuration.maxLinesPerSecondPerUID = try integer(member, key, 0...100_000_000)
                case "io_threads": configuration.ioThreads = try integer(member, key, 1...64)
                case "quarantine_capacity": configuration.quarantineCapacity = try integer(member, key, 0...10_000_000)
                case "service_bindings": configuration.serviceBindings = try bindings(member)
                case "store": try applyStore(member, to: &configuration)
                default: throw problem(member.line, key, "unknown setting")
                }
            }
            return configuration
        }

        func applyStore(_ store: PositionedJSON.Member, to configuration: inout CollectorConfiguration) throws {
            for member in try members(of: store.value, field: "store") {
                let field = "store.\(member.key)"
                switch member.key {
                case "seal_threshold": configuration.store.sealThreshold = try integer(member, field, 1...65_536)
                case "max_block_events": configuration.store.maxBlockEvents = try integer(member, field, 1...65_536)
                case "seal_after_seconds":
                    configuration.store.sealAfterSeconds = try integer(member, field, 1...86_400)
                case "compression_level":
                    configuration.store.compressionLevel = Int32(try integer(member, field, 1...9))
                default: throw problem(member.line, field, "unknown setting")
                }
            }
            if configuration.store.sealThreshold > configuration.store.maxBlockEvents {
                throw problem(store.line, "store.seal_threshold", "must not exceed store.max_block_events")
            }
        }

        func bindings(_ bindings: PositionedJSON.Member) throws -> [String: Set<UInt32>] {
            var result: [String: Set<UInt32>] = [:]
            for member in try members(of: bindings.value, field: "service_bindings") {
                let field = "service_bindings.\(member.key)"
                guard case .array(let uids) = member.value.value, !uids.isEmpty else {
                    throw problem(member.line, field, "must be a non-empty array of uids")
                }
                result[member.key] = Set(
                    try uids.map { uid in
                        UInt32(try integer(uid, field, 0...Int(UInt32.max - 1)))
                    })
            }
            return result
        }

        /// `socket_mode`: an octal string such as `"0660"`; owner and group bits only, owner read and write.
        func socketMode(_ member: PositionedJSON.Member) throws -> UInt32 {
            let message = "must be an octal mode string such as \"0660\" or \"0600\": owner and group bits only "
                + "(other users would be able to send events), and the owner needs read and write"
            guard case .string(let text) = member.value.value, (3...4).contains(text.count),
                let mode = UInt32(text, radix: 8), mode & ~0o770 == 0, mode & 0o600 == 0o600
            else {
                throw problem(member.line, "socket_mode", message)
            }
            return mode
        }

        func string(_ member: PositionedJSON.Member, _ field: String) throws -> String {
            guard case .string(let string) = member.value.value, !string.isEmpty else {
                throw problem(member.line, field, "must be a non-empty string")
            }
            return string
        }

        func integer(_ member: PositionedJSON.Member, _ field: String, _ range: ClosedRange<Int>) throws -> Int {
            try integer(member.value, field, range)
        }

        func integer(_ value: PositionedJSON, _ field: String, _ range: ClosedRange<Int>) throws -> Int {
            guard case .integer(let integer) = value.value, range.contains(integer) else {
                throw problem(value.line, field, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return integer
        }
    }
}
