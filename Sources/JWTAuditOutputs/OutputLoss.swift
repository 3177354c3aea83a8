
/// Alerts one output lost since the previous ``OutputDispatcher/takeLosses()``: the daemon turns it
/// into an `event_loss` finding (``DetectionEngine/report(_:)``).
public struct OutputLoss: Sendable, Hashable {
    /// The output's name.
    public var output: String
    /// Alerts dropped: queue full, every attempt failed, or shutdown's deadline passed.
    public var dropped: Int64
    /// Alerts the receiver refused for good (a webhook's 4xx).
    public var failed: Int64

    /// A loss record.
    public init(output: String, dropped: Int64, failed: Int64) {
        self.output = output
        self.dropped = dropped
        self.failed = failed
    }

    /// Alerts lost in all.
    public var total: Int64 { dropped + failed }

}
