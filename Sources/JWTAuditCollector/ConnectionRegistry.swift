import NIOConcurrencyHelpers
import NIOCore

/// The open connections, so that shutdown can stop and close each one.
final class ConnectionRegistry: Sendable {
    private let channels = NIOLockedValueBox<[ObjectIdentifier: Channel]>([:])

    /// Adds `channel` unless `limit` connections are open; false when refused.
    func add(_ channel: Channel, limit: Int) -> Bool {
        channels.withLockedValue { open in
            guard open.count < limit else { return false }
            open[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func remove(_ channel: Channel) {
        _ = channels.withLockedValue { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var all: [Channel] {
        channels.withLockedValue { Array($0.values) }
    }
}
