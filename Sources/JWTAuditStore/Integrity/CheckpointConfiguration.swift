/// When and where the daemon publishes checkpoints.
public struct CheckpointConfiguration: Sendable, Hashable {
    /// Seconds between checkpoints (one is signed only when blocks were sealed since the last).
    /// Default 60. A checkpoint is also signed at shutdown.
    public var intervalSeconds: Int = 60
    /// The external checkpoint file each checkpoint is appended to; nil keeps them in the store
    /// only. `jwtaudit serve` defaults it to `jwtaudit-checkpoints.ndjson` beside the data folder.
    public var filePath: String?

    /// The defaults: every 60 s, no external file.
    public init() {}
}
