import NIOCore
import Synchronization

/// The open connections, so that shutdown can stop and close each one.
final class ConnectionRegistry: Sendable {
    private let channels = Mutex<[ObjectIdentifier: Channel]>([:])

    /// Adds `channel` unless `limit` connections are open; false when refused.
    func add(_ channel: Channel, limit: Int) -> Bool {
        channels.withLock { open in
            guard open.count < limit else { return false }
            open[ObjectIdentifier(channel)] = channel
            return true
        }
    }

    func remove(_ channel: Channel) {
        _ = channels.withLock { $0.removeValue(forKey: ObjectIdentifier(channel)) }
    }

    var all: [Channel] {
        channels.withLock { Array($0.values) }
    }
}
