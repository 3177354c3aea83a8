import JWTAuditDetection
import JWTAuditModel

@testable import JWTAuditLoad

/// A generated event as the daemon's decoder reads it, with the connection that sent it.
struct DecodedEvent: Sendable {
    var event: AuditEvent
    var connection: Int
    /// The line's index in its connection's stream.
    var line: Int
}

/// Generated lines decoded with `JWTAuditModel.EventDecoder`.
enum DecodedTraffic {
    struct DecodeFailure: Error, CustomStringConvertible {
        var description: String
    }

    /// Every line of every connection, decoded, sorted by `ts` (services log whole seconds or
    /// milliseconds, so a connection's lines may swap places).
    static func decode(_ load: GeneratedLoad) throws -> [DecodedEvent] {
        let decoder = EventDecoder(fingerprinter: nil)
        var events: [DecodedEvent] = []
        events.reserveCapacity(load.eventCount)
        for (connection, stream) in load.streams.enumerated() {
            for index in 0..<stream.lineCount {
                let line = stream.line(index).dropLast()
                let result = line.withUnsafeBytes { decoder.decode($0) }
                switch result {
                case .success(let event):
                    events.append(DecodedEvent(event: event, connection: connection, line: index))
                case .failure(let rejection):
                    throw DecodeFailure(
                        description: "line \(index): \(rejection): \(String(decoding: line, as: UTF8.self))"
                    )
                }
            }
        }
        return events.enumerated().sorted {
            ($0.element.event.timestamp, $0.offset) < ($1.element.event.timestamp, $1.offset)
        }.map(\.element)
    }
}

/// Runs the real detection engine (built-in rules, defaults) over decoded traffic, as the daemon
/// would: events in batches, the clock at the newest `ts` (generated traffic is sent as it
/// happens), a `seq` gap per connection reported as the collector reports it.
enum EngineFindings {
    /// Each rule that found something, with the summary of its first finding.
    static func findings(_ events: [DecodedEvent], rules: RuleSet = .defaults) -> [String: String] {
        findingList(events, rules: rules).reduce(into: [:]) { found, finding in
            if found[finding.rule] == nil { found[finding.rule] = finding.summary }
        }
    }

    /// Every finding, in order.
    static func findingList(_ events: [DecodedEvent], rules: RuleSet = .defaults) -> [Finding] {
        let engine = DetectionEngine(rules: rules)
        var found: [Finding] = []
        // Gaps as the collector sees them: per connection, in the order lines were sent.
        var skipped: [Int: [Int: Int64]] = [:]
        for connection in Set(events.map(\.connection)) {
            var highest: Int64?
            for decoded in events.filter({ $0.connection == connection }).sorted(by: { $0.line < $1.line }) {
                guard let seq = decoded.event.sequence else { continue }
                if let high = highest, seq > high + 1 { skipped[connection, default: [:]][decoded.line] = seq - high - 1 }
                highest = max(highest ?? seq, seq)
            }
        }
        var batch: [AuditEvent] = []
        func flush() {
            guard let newest = batch.last?.timestamp else { return }
            found += engine.process(batch, now: newest)
            found += engine.advance(now: newest)
            batch.removeAll(keepingCapacity: true)
        }
        for decoded in events {
            var event = decoded.event
            event.receivedAt = event.timestamp
            if let lost = skipped[decoded.connection]?[decoded.line] {
                found += engine.report(
                    EventLoss(kind: .sequenceGap, source: "connection-\(decoded.connection)", count: Int(lost), at: event.timestamp))
            }
            batch.append(event)
            if batch.count == 1_024 { flush() }
        }
        flush()
        return found
    }
}
