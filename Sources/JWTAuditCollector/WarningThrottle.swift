import Logging
import NIOConcurrencyHelpers

/// Logs one warning at most every `interval`, with the number of occurrences it stands for, so
/// that a client repeating an abuse cannot flood the daemon's log.
final class WarningThrottle: Sendable {
    private struct State {
        var lastLogged: ContinuousClock.Instant?
        var unlogged = 0
    }

    private let state = NIOLockedValueBox(State())
    private let interval: Duration
    private let message: Logger.Message

    init(_ message: Logger.Message, interval: Duration = .seconds(10)) {
        self.message = message
        self.interval = interval
    }

    /// Counts one occurrence and logs it when the previous warning is older than the interval.
    func record(_ logger: Logger, metadata: Logger.Metadata = [:]) {
        let now = ContinuousClock.now
        let occurrences: Int? = state.withLockedValue { state in
            state.unlogged += 1
            if let last = state.lastLogged, now - last < interval { return nil }
            state.lastLogged = now
            defer { state.unlogged = 0 }
            return state.unlogged
        }
        guard let occurrences else { return }
        var metadata = metadata
        metadata["occurrences"] = "\(occurrences)"
        logger.warning(message, metadata: metadata)
    }
}
