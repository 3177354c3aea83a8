/// The background writer: takes events from the buffer, encodes them, keeps one acknowledged-mode
/// connection, resends what was not acknowledged after a reconnect, and reports progress.
///
/// It runs on its own thread and owns the socket and the in-flight lines; callers never wait
/// for it unless they call `flush` or `shutdown`.
final class ClientWriter {
    private let buffer: EventBuffer
    private let configuration: JWTAuditClient.Configuration
    private let producer: String
    private var socket: ClientSocket?
    private var inFlight = InFlightLines()
    private var report = WriterReport()
    private var batch: [EventBuffer.Slot] = []
    private var connections = 0
    private var lastAckProgress: UInt64 = 0
    private var failureStreak = 0

    init(buffer: EventBuffer, configuration: JWTAuditClient.Configuration, producer: String) {
        self.buffer = buffer
        self.configuration = configuration
        self.producer = producer
        batch.reserveCapacity(512)
    }

    /// Runs until a requested shutdown is complete or its deadline passes.
    func run() {
        var delay = MonotonicTime.nanoseconds(configuration.reconnectDelay)
        let maxDelay = max(delay, MonotonicTime.nanoseconds(configuration.maxReconnectDelay))
        let ackTimeout = MonotonicTime.nanoseconds(configuration.ackTimeout)
        var nextAttempt: UInt64 = 0
        while true {
            let room = configuration.maxInFlight - inFlight.count
            let view = buffer.take(into: &batch, limit: max(0, min(room, 512)))
            if !batch.isEmpty {
                for slot in batch {
                    inFlight.append(seq: slot.seq) { output in
                        EventEncoder.append(slot.event, seq: slot.seq, defaultService: configuration.service, to: &output)
                    }
                }
                batch.removeAll(keepingCapacity: true)
            }
            let now = MonotonicTime.now()
            if view.closing && ((inFlight.isEmpty && view.drained) || now >= view.deadline) { break }

            guard let socket else {
                if now < nextAttempt {
                    buffer.waitForWork(until: min(nextAttempt, view.deadline), evenIfQueued: true)
                    continue
                }
                if connect() {
                    delay = MonotonicTime.nanoseconds(configuration.reconnectDelay)
                } else {
                    nextAttempt = MonotonicTime.now() + delay
                    delay = min(delay * 2, maxDelay)
                }
                flushReport()
                continue
            }

            if inFlight.isEmpty && view.drained && !view.closing {
                flushReport()
                buffer.waitForWork(until: nil)
                continue
            }
            let moreToTake = !view.drained && room > 0
            do {
                let readiness = try socket.poll(wantWrite: inFlight.hasUnsent, timeoutMillis: moreToTake ? 0 : 5)
                if readiness.readable {
                    try socket.receive()
                    socket.forEachLine { handle(DaemonReply.parse($0)) }
                    if socket.peerClosed { throw ClientSocket.Failure(description: "the daemon closed the connection") }
                }
                if readiness.writable && inFlight.hasUnsent {
                    try inFlight.writeUnsent { bytes throws(ClientSocket.Failure) in try socket.send(bytes) }
                }
                if inFlight.isEmpty {
                    lastAckProgress = now
                } else if now > lastAckProgress + ackTimeout {
                    throw ClientSocket.Failure(description: "no acknowledgement for \(configuration.ackTimeout)")
                }
            } catch {
                drop(socket, because: "\(error)")
            }
            flushReport()
        }
        if let socket { socket.shutdown() }
        self.socket = nil
        report.abandoned += inFlight.count + buffer.abandonQueued()
        report.finished = true
        flushReport()
    }

    /// Connects and completes the hello; resends everything unacknowledged. Returns success.
    private func connect() -> Bool {
        do {
            let socket = try ClientSocket(path: configuration.socketPath)
            var hello = Array(#"{"hello":{"version":1,"ack":true,"client":"#.utf8)
            EventEncoder.appendString(producer, to: &hello)
            hello.append(contentsOf: "}}\n".utf8)
            let deadline = MonotonicTime.deadline(after: configuration.helloTimeout)
            var written = 0
            var answer: DaemonReply?
            while answer == nil {
                let now = MonotonicTime.now()
                guard now < deadline else { throw ClientSocket.Failure(description: "no answer to the hello") }
                let wait = Int32(min((deadline - now) / 1_000_000 + 1, 1_000))
                let readiness = try socket.poll(wantWrite: written < hello.count, timeoutMillis: wait)
                if readiness.writable && written < hello.count {
                    written += try hello.withUnsafeBytes { raw throws(ClientSocket.Failure) in
                        try socket.send(UnsafeRawBufferPointer(rebasing: raw[written...]))
                    }
                }
                if readiness.readable {
                    try socket.receive()
                    socket.forEachLine { line in if answer == nil { answer = DaemonReply.parse(line) } }
                    if answer == nil && socket.peerClosed {
                        throw ClientSocket.Failure(description: "the daemon closed the connection during the hello")
                    }
                }
            }
            switch answer {
            case .hello(let version, _) where version == 1:
                break
            case .error(_, let code, _, let message):
                throw ClientSocket.Failure(description: "the daemon refused the hello: \(code): \(message)")
            default:
                throw ClientSocket.Failure(description: "the daemon answered the hello with something else")
            }
            self.socket = socket
            connections += 1
            if connections > 1 { report.reconnects += 1 }
            report.resent += inFlight.restartConnection()
            lastAckProgress = MonotonicTime.now()
            if failureStreak > 0 || connections > 1 {
                configuration.onDiagnostic?("jwtaudit client: connected to \(configuration.socketPath)")
            }
            failureStreak = 0
            return true
        } catch {
            failureStreak += 1
            // Say it once per streak, then at every 20th failure, so a down daemon does not flood.
            if failureStreak == 1 || failureStreak % 20 == 0 {
                configuration.onDiagnostic?(
                    "jwtaudit client: cannot connect to \(configuration.socketPath): \(error) "
                        + "(attempt \(failureStreak); events wait in the buffer)"
                )
            }
            return false
        }
    }

    private func drop(_ socket: ClientSocket, because reason: String) {
        socket.shutdown()
        self.socket = nil
        configuration.onDiagnostic?(
            "jwtaudit client: connection to \(configuration.socketPath) lost: \(reason); "
                + "\(inFlight.count) unacknowledged events wait for the next connection"
        )
    }

    private func handle(_ reply: DaemonReply) {
        switch reply {
        case .ack(let count):
            let settled = inFlight.acknowledge(count)
            if settled > 0 {
                report.settled += settled
                lastAckProgress = MonotonicTime.now()
            }
        case .error(let line, let code, let field, let message):
            report.rejectedByCode[code, default: 0] += 1
            if let onRejection = configuration.onRejection {
                let seq = inFlight.sequence(ofLine: line) ?? -1
                onRejection(JWTAuditClient.Rejection(seq: seq, code: code, field: field, message: message))
            }
        case .hello, .unknown:
            break
        }
    }

    private func flushReport() {
        report.inFlight = inFlight.count
        report.connected = socket != nil
        buffer.publish(report)
        report = WriterReport()
    }
}
