import Glibc
import JWTAuditCrypto
import JWTAuditModel
import JWTAuditStore
import NIOCore

/// One client connection: splits raw read chunks into lines with `memchr`, decodes them in
/// place, answers the hello and rejected lines, and hands events to the pipeline in batches
/// (one per read). Stops reading while too many of its events wait for their commit.
final class ConnectionHandler: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private enum Mode {
        case awaitingFirstLine, fireAndForget, acknowledged
    }

    private let pipeline: IngestPipeline
    private let decoder: EventDecoder
    private let configuration: CollectorConfiguration
    private let counters: CollectorCounters

    private var context: ChannelHandlerContext?
    private var reference: ConnectionReference?
    private var mode = Mode.awaitingFirstLine
    /// Who is on the other end (`SO_PEERCRED`), read when the connection was accepted.
    private let peer: PeerCredentials
    private var producer: String?
    private var receivedAt: Int64 = 0

    /// Bytes of a line whose end has not arrived yet.
    private var partial: [UInt8] = []
    /// Inside a line longer than the limit: its bytes are dropped up to the next newline.
    private var discarding = false
    private var discardedExcerpt: [UInt8] = []

    /// Event lines seen (1-based numbering of the protocol).
    private var lineNumber: Int64 = 0
    private var submittedLine: Int64 = 0
    private var events: [AuditEvent] = []
    private var rejected: [QuarantinedLine] = []

    private var inFlightEvents = 0
    private var readsPaused = false
    private var readPending = false
    private var stopped = false
    private var inputClosed = false
    private var acknowledgedLine: Int64 = 0
    private var writtenAck: Int64 = 0

    /// Events per batch at most; a larger read is handed on in several batches.
    private static let maxBatchEvents = 4_096

    init(pipeline: IngestPipeline, configuration: CollectorConfiguration, fingerprinter: TokenFingerprinterBox,
         counters: CollectorCounters, peer: PeerCredentials) {
        self.peer = peer
        self.pipeline = pipeline
        self.configuration = configuration
        self.counters = counters
        decoder = EventDecoder(limits: configuration.limits, fingerprinter: fingerprinter.value)
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let loop = context.eventLoop
        reference = ConnectionReference { line, count in
            loop.execute { bound.value.acknowledged(upTo: line, events: count) }
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        counters.connectionsOpen.wrappingAdd(1, ordering: .relaxed)
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        counters.connectionsOpen.wrappingSubtract(1, ordering: .relaxed)
        endOfInput()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        guard !stopped else { return }
        let buffer = unwrapInboundIn(data)
        receivedAt = IngestPipeline.now()
        buffer.withUnsafeReadableBytes { consume($0) }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        submit()
        context.flush()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            endOfInput()
            closeIfDone()
        }
        context.fireUserInboundEventTriggered(event)
    }

    func read(context: ChannelHandlerContext) {
        if readsPaused || stopped {
            readPending = true
        } else {
            context.read()
        }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { writeAck() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }

    /// Shutdown: stop reading and hand on what was read.
    func stopReading() {
        stopped = true
        submit()
    }

    // MARK: Lines

    private func consume(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress else { return }
        let limit = configuration.limits.maxLineBytes
        var start = 0
        while start < bytes.count {
            let remaining = bytes.count - start
            guard let found = memchr(base + start, 0x0A, remaining) else {
                keepPartial(UnsafeRawBufferPointer(start: base + start, count: remaining), limit: limit)
                break
            }
            let length = UnsafeRawPointer(found) - (base + start)
            let segment = UnsafeRawBufferPointer(start: base + start, count: length)
            if discarding {
                keepPartial(segment, limit: limit)
                discarding = false
                lineTooLong()
            } else if partial.isEmpty {
                handleLine(segment)
            } else if partial.count + length > limit + 1 {
                partial.removeAll(keepingCapacity: false)
                lineTooLong()
            } else {
                partial.append(contentsOf: segment)
                partial.withUnsafeBytes { handleLine($0) }
                partial.removeAll(keepingCapacity: true)
            }
            start += length + 1
            if stopped { break }
            if events.count + rejected.count >= Self.maxBatchEvents { submit() }
        }
    }

    private func keepPartial(_ bytes: UnsafeRawBufferPointer, limit: Int) {
        if discarding {
            if discardedExcerpt.count < LineExcerpt.maxBytes {
                discardedExcerpt.append(contentsOf: bytes.prefix(LineExcerpt.maxBytes - discardedExcerpt.count))
            }
        } else if partial.count + bytes.count > limit + 1 {
            discarding = true
            discardedExcerpt = Array(partial.prefix(LineExcerpt.maxBytes))
            if discardedExcerpt.count < LineExcerpt.maxBytes {
                discardedExcerpt.append(contentsOf: bytes.prefix(LineExcerpt.maxBytes - discardedExcerpt.count))
            }
            partial.removeAll(keepingCapacity: false)
        } else {
            partial.append(contentsOf: bytes)
        }
    }

    private func lineTooLong() {
        lineNumber += 1
        let rejection = EventRejection(
            .lineTooLong, "line longer than \(configuration.limits.maxLineBytes) bytes")
        let excerpt = discardedExcerpt
        discardedExcerpt = []
        excerpt.withUnsafeBytes { reject(rejection, line: $0) }
    }

    private func handleLine(_ raw: UnsafeRawBufferPointer) {
        var line = raw
        if let last = line.last, last == 0x0D { line = UnsafeRawBufferPointer(rebasing: line.dropLast()) }
        // Events start with `{`; only a line that starts with a blank can be blank.
        if line.first.map({ $0 == 0x20 || $0 == 0x09 }) ?? true, line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
            return
        }
        if mode == .awaitingFirstLine && !handleFirstLine(line) { return }
        lineNumber += 1
        guard counters.storageAvailable.load(ordering: .relaxed) else {
            refuseWhileStorageUnavailable()
            return
        }
        switch decoder.decode(line) {
        case .success(var event):
            if let allowed = configuration.serviceBindings[event.service], !allowed.contains(peer.uid) {
                reject(
                    EventRejection(.serviceNotAllowed, field: "service", "this uid may not send for that service"),
                    line: line)
                return
            }
            event.receivedAt = receivedAt
            event.peerUID = peer.uid
            event.peerGID = peer.gid
            event.peerPID = peer.pid
            event.producer = producer
            events.append(event)
        case .failure(let rejection):
            reject(rejection, line: line)
        }
    }

    /// Handles the hello; returns true when the line is an event line after all.
    private func handleFirstLine(_ line: UnsafeRawBufferPointer) -> Bool {
        switch HelloRequest.parse(line) {
        case .notHello:
            mode = .fireAndForget
            return true
        case .hello(let hello):
            producer = hello.client
            mode = hello.acknowledged ? .acknowledged : .fireAndForget
            if hello.acknowledged { write(WireReply.hello(maxLine: configuration.limits.maxLineBytes)) }
            return false
        case .invalid(let rejection):
            write(WireReply.error(line: 0, rejection))
            context?.flush()
            context?.close(promise: nil)
            stopped = true
            return false
        }
    }

    private func reject(_ rejection: EventRejection, line: UnsafeRawBufferPointer) {
        counters.linesRejected.wrappingAdd(1, ordering: .relaxed)
        counters.rejectedByCode[rejection.code]?.increment()
        if mode == .acknowledged { write(WireReply.error(line: lineNumber, rejection)) }
        rejected.append(
            QuarantinedLine(
                receivedAt: receivedAt, peerUID: peer.uid, peerPID: peer.pid, producer: producer, line: lineNumber,
                rejection: rejection, excerpt: LineExcerpt.make(line)))
    }

    /// Storage just became unavailable: an acknowledged-mode connection with lines not yet
    /// acknowledged is answered `storage_unavailable` for the first of them and closed (as for a
    /// refused line), so that a producer waiting for its acks learns it must resend later.
    func storageBecameUnavailable() {
        guard mode == .acknowledged, !stopped, lineNumber > acknowledgedLine else { return }
        write(WireReply.error(line: acknowledgedLine + 1, Self.storageRefusal))
        closeRefused()
    }

    /// A line read while commits fail: counted, not stored, not quarantined (the quarantine is on
    /// the same disk, and the line is not at fault). In acknowledged mode it is answered
    /// `storage_unavailable` and the connection is closed without acknowledging it or anything
    /// after it: the producer resends its unacknowledged lines after reconnecting, exactly as
    /// after a crash, and the `seq` mark stays a safe dedup point (no later line of this
    /// connection can be stored before the refused one). Fire-and-forget lines are dropped.
    private func refuseWhileStorageUnavailable() {
        counters.eventsRefused.wrappingAdd(1, ordering: .relaxed)
        counters.rejectedByCode[.storageUnavailable]?.increment()
        guard mode == .acknowledged else { return }
        write(WireReply.error(line: lineNumber, Self.storageRefusal))
        closeRefused()
    }

    private func closeRefused() {
        stopped = true
        // Lines after this one, and events read before it but not yet handed on, are dropped
        // unacknowledged: the producer still holds them.
        events = []
        rejected = []
        lineNumber = submittedLine
        context?.flush()
        context?.close(promise: nil)
    }

    private static let storageRefusal = EventRejection(
        .storageUnavailable,
        "the daemon cannot store events now (full disk or write error): this line and those after it "
            + "are not acknowledged; send them again later with the same seq")

    // MARK: Batches and acks

    private func submit() {
        guard lineNumber > submittedLine, let reference else { return }
        let batch = IngestBatch(connection: reference, events: events, rejected: rejected, lastLine: lineNumber)
        inFlightEvents += events.count + rejected.count + 1  // rejected lines cost the writer too
        counters.linesReceived.wrappingAdd(lineNumber - submittedLine, ordering: .relaxed)
        events = []
        rejected = []
        submittedLine = lineNumber
        pipeline.submit(batch)
        if inFlightEvents >= configuration.maxInFlightEventsPerConnection { readsPaused = true }
    }

    /// The pipeline committed this connection's lines up to `line`.
    private func acknowledged(upTo line: Int64, events count: Int) {
        inFlightEvents -= count + 1
        acknowledgedLine = max(acknowledgedLine, line)
        writeAck()
        if readsPaused && inFlightEvents < configuration.maxInFlightEventsPerConnection / 2 {
            readsPaused = false
            if readPending, !stopped, let context {
                readPending = false
                context.read()
            }
        }
        closeIfDone()
    }

    private func writeAck() {
        guard mode == .acknowledged, acknowledgedLine > writtenAck, let context, context.channel.isWritable else {
            return
        }
        writtenAck = acknowledgedLine
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: WireReply.ack(writtenAck))), promise: nil)
    }

    private func write(_ bytes: [UInt8]) {
        guard let context else { return }
        context.write(wrapOutboundOut(ByteBuffer(bytes: bytes)), promise: nil)
    }

    /// At end of input a last line without newline still counts; then everything is handed on.
    private func endOfInput() {
        guard !inputClosed else { return }
        inputClosed = true
        if !stopped {
            if discarding {
                discarding = false
                lineTooLong()
            } else if !partial.isEmpty {
                let last = partial
                partial = []
                last.withUnsafeBytes { handleLine($0) }
            }
        }
        submit()
    }

    /// A client that closed its side is answered until its last ack, then closed.
    private func closeIfDone() {
        guard inputClosed, submittedLine == acknowledgedLine, let context else { return }
        context.flush()
        context.close(promise: nil)
    }
}

/// Carries the optional fingerprinter into channel initialisers.
struct TokenFingerprinterBox: Sendable {
    let value: TokenFingerprinter?
}
