import Foundation

/// Reads the daemon's JSON configuration file. Unknown keys and wrong types are refused with
/// the file, line and field named, so that a typo in a security setting never passes silently.
public enum ConfigurationFile {
    public struct Problem: Error, CustomStringConvertible {
        public var description: String
    }

    /// `base` with the settings of the file at `path` applied.
    public static func load(_ path: String, over base: CollectorConfiguration = CollectorConfiguration()) throws
        -> CollectorConfiguration
    {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Problem(description: "\(path): cannot read the configuration file")
        }
        let text = String(decoding: data, as: UTF8.self)
        let root: Any
        do {
            root = try JSONSerialization.jsonObject(with: data)
        } catch {
            throw Problem(description: "\(path): not valid JSON: \(error.localizedDescription)")
        }
        guard let object = root as? [String: Any] else {
            throw Problem(description: "\(path):1: the configuration must be a JSON object")
        }
        var reader = Reader(path: path, text: text)
        return try reader.apply(object, to: base)
    }

    private struct Reader {
        let path: String
        let text: String

        func problem(_ field: String, _ message: String) -> Problem {
            let key = field.split(separator: ".").last.map(String.init) ?? field
            let line = lineOf(key)
            return Problem(description: "\(path):\(line): field \(field): \(message)")
        }

        /// The line where `"key"` first appears, or 1.
        func lineOf(_ key: String) -> Int {
            guard let range = text.range(of: "\"\(key)\"") else { return 1 }
            return text[..<range.lowerBound].reduce(1) { $1 == "\n" ? $0 + 1 : $0 }
        }

        mutating func apply(_ object: [String: Any], to base: CollectorConfiguration) throws -> CollectorConfiguration {
            var configuration = base
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                switch key {
                case "socket": configuration.socketPath = try string(value, key)
                case "socket_group": configuration.socketGroup = try string(value, key)
                case "data": configuration.dataPath = try string(value, key)
                case "max_line_bytes": configuration.limits.maxLineBytes = try integer(value, key, 1_024...16_777_216)
                case "max_connections": configuration.maxConnections = try integer(value, key, 1...1_000_000)
                case "max_in_flight_events":
                    configuration.maxInFlightEventsPerConnection = try integer(value, key, 1...10_000_000)
                case "io_threads": configuration.ioThreads = try integer(value, key, 1...64)
                case "quarantine_capacity": configuration.quarantineCapacity = try integer(value, key, 0...10_000_000)
                case "service_bindings": configuration.serviceBindings = try bindings(value)
                case "store": try applyStore(value, to: &configuration)
                default: throw problem(key, "unknown setting")
                }
            }
            return configuration
        }

        func applyStore(_ value: Any, to configuration: inout CollectorConfiguration) throws {
            guard let object = value as? [String: Any] else { throw problem("store", "must be an object") }
            for (key, value) in object.sorted(by: { $0.key < $1.key }) {
                let field = "store.\(key)"
                switch key {
                case "seal_threshold": configuration.store.sealThreshold = try integer(value, field, 1...65_536)
                case "max_block_events": configuration.store.maxBlockEvents = try integer(value, field, 1...65_536)
                case "seal_after_seconds": configuration.store.sealAfterSeconds = try integer(value, field, 1...86_400)
                case "compression_level":
                    configuration.store.compressionLevel = Int32(try integer(value, field, 1...9))
                default: throw problem(field, "unknown setting")
                }
            }
            if configuration.store.sealThreshold > configuration.store.maxBlockEvents {
                throw problem("store.seal_threshold", "must not exceed store.max_block_events")
            }
        }

        func bindings(_ value: Any) throws -> [String: Set<UInt32>] {
            guard let object = value as? [String: Any] else {
                throw problem("service_bindings", "must map service names to arrays of uids")
            }
            var result: [String: Set<UInt32>] = [:]
            for (service, uids) in object {
                let field = "service_bindings.\(service)"
                guard let list = uids as? [Any], !list.isEmpty else { throw problem(field, "must be a non-empty array of uids") }
                result[service] = Set(try list.map { UInt32(try integer($0, field, 0...Int(UInt32.max - 1))) })
            }
            return result
        }

        func string(_ value: Any, _ field: String) throws -> String {
            guard let string = value as? String, !string.isEmpty else { throw problem(field, "must be a non-empty string") }
            return string
        }

        func integer(_ value: Any, _ field: String, _ range: ClosedRange<Int>) throws -> Int {
            guard let number = value as? NSNumber, String(cString: number.objCType) != "c",
                let integer = Int(exactly: number.doubleValue), range.contains(integer)
            else {
                throw problem(field, "must be an integer from \(range.lowerBound) to \(range.upperBound)")
            }
            return integer
        }
    }
}
