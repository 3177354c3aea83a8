import Glibc
import Logging
import NIOCore

/// Sits in front of ``ConnectionHandler`` and keeps one client from costing the daemon more than
/// its share:
///
/// - **Line timeouts**: a connection must complete its first line within
///   `first_line_timeout_seconds`, and every started line within `partial_line_timeout_seconds`
///   of its first byte (time during which the daemon is not reading does not count); otherwise
///   it gets a `line_timeout` error line and is closed.
/// - **Replies nobody reads**: while the connection's unsent replies exceed `max_outbound_bytes`
///   (the channel is not writable), input is handed on no further and nothing more is read, so
///   replies cannot grow without bound; input is handed on in slices so that one large read
///   cannot produce many replies at once. A connection that stays unwritable for
///   `write_stall_timeout_seconds` is closed.
/// - **Rate**: with `max_lines_per_second`, reading pauses as long as the connection is over
///   its budget (a ``TokenBucket`` of one second's lines); with `max_lines_per_second_per_uid`,
///   as long as its peer uid is over the budget all of that uid's connections share
///   (``PeerRateBudgets``). Nothing is dropped.
/// - **Turns**: at most ``maxLinesPerTurn`` lines are handed on per read request; the rest of a
///   large read waits for the next request, which the handlers after this one make only when
///   they want more (the in-flight bound), so one connection cannot monopolise the event loop.
final class ConnectionGuard: ChannelDuplexHandler {
    typealias InboundIn = ByteBuffer
    typealias InboundOut = ByteBuffer
    typealias OutboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// The limits, in the units the event loop uses.
    struct Limits {
        var firstLine: TimeAmount?
        var partialLine: TimeAmount?
        var writeStall: TimeAmount?
        var linesPerSecond: Int

        init(_ configuration: CollectorConfiguration) {
            func seconds(_ value: Int) -> TimeAmount? { value > 0 ? .seconds(Int64(value)) : nil }
            firstLine = seconds(configuration.firstLineTimeoutSeconds)
            partialLine = seconds(configuration.partialLineTimeoutSeconds)
            writeStall = seconds(configuration.writeStallTimeoutSeconds)
            linesPerSecond = configuration.maxLinesPerSecondPerConnection
        }
    }

    /// Largest piece of input handed on at once: bounds the replies one piece can produce
    /// (a line of 2 bytes can produce an error line of about 120) before writability is checked.
    static let sliceBytes = 16_384
    /// Most lines handed on in one turn of the event loop; the rest waits for the next read
    /// request, so that a connection that sent megabytes of short lines at once cannot hold the
    /// event loop (and every other connection on it) for long, and the in-flight bound applies.
    static let maxLinesPerTurn = 8_192

    private let limits: Limits
    private let peerUID: UInt32
    private let peerBudgets: PeerRateBudgets?
    private let counters: CollectorCounters
    private let logger: Logger
    private let warnings: ConnectionWarnings

    /// Input read but not yet handed on, because the client does not read its replies.
    private var held: ByteBuffer?
    private var inputClosedHeld = false
    /// The pipeline asked for a read that is being withheld.
    private var readPending = false
    /// A read was passed to the channel and its data has not completed yet.
    private var reading = false
    private var closed = false
    /// Closed by the daemon because its client did not read its replies: held input is dropped.
    private var stalled = false
    /// Lines handed on in the current turn.
    private var linesThisTurn = 0

    /// A newline has arrived.
    private var sawFirstLine = false
    /// The bytes received so far end inside a line.
    private var midLine = false
    /// When the current first or started line must be complete.
    private var lineDeadline: NIODeadline?
    private var lineTimer: Scheduled<Void>?
    private var stallTimer: Scheduled<Void>?

    /// The connection's own rate budget, with `max_lines_per_second`.
    private var connectionBudget: TokenBucket?
    private var rateTimer: Scheduled<Void>?

    /// A guard for a connection from `peerUID`, which shares `peerBudgets` (when the per-uid
    /// limit is set) with the uid's other connections.
    init(
        limits: Limits, peerUID: UInt32, peerBudgets: PeerRateBudgets?, counters: CollectorCounters,
        logger: Logger, warnings: ConnectionWarnings
    ) {
        self.limits = limits
        self.peerUID = peerUID
        self.peerBudgets = peerBudgets
        self.counters = counters
        self.logger = logger
        self.warnings = warnings
    }

    func handlerAdded(context: ChannelHandlerContext) {
        if limits.linesPerSecond > 0 {
            connectionBudget = TokenBucket(linesPerSecond: limits.linesPerSecond, now: context.eventLoop.now)
        }
    }

    // MARK: Inbound

    func channelActive(context: ChannelHandlerContext) {
        if let firstLine = limits.firstLine {
            lineDeadline = context.eventLoop.now + firstLine
            scheduleLineCheck(context: context)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        closed = true
        cancelTimers()
        // The client is gone; what it sent is still handed on, so that its events are stored,
        // unless the daemon closed it for not reading its replies (it is told nothing anyway).
        if var rest = held, !stalled {
            handOn(context: context, &rest, checkWritable: false)
            context.fireChannelReadComplete()
        }
        held = nil
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var buffer = unwrapInboundIn(data)
        noteArrival(buffer, context: context)
        if held != nil {
            held!.writeImmutableBuffer(buffer)
            return
        }
        if !handOn(context: context, &buffer, checkWritable: true) {
            held = buffer
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        reading = false
        context.fireChannelReadComplete()
        if held != nil { holding(context: context) }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        let writable = context.channel.isWritable
        if writable {
            stallTimer?.cancel()
            stallTimer = nil
        } else {
            startStallTimer(context: context)
        }
        context.fireChannelWritabilityChanged()
        if writable { requestRead(context: context) }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let event = event as? ChannelEvent, event == .inputClosed {
            lineTimer?.cancel()
            lineDeadline = nil
            if held != nil {
                inputClosedHeld = true
                return
            }
        }
        context.fireUserInboundEventTriggered(event)
    }

    // MARK: Outbound

    func read(context: ChannelHandlerContext) {
        readPending = true
        guard !closed, context.channel.isWritable, rateTimer == nil else { return }
        if let wait = rateWait(context: context) {
            scheduleRateResume(context: context, after: wait)
            return
        }
        readPending = false
        linesThisTurn = 0
        guard var rest = held else {
            reading = true
            context.read()
            return
        }
        // Input read earlier goes first; this turn hands on what the limits allow.
        let done = handOn(context: context, &rest, checkWritable: true)
        held = done ? nil : rest
        context.fireChannelReadComplete()
        if !done {
            holding(context: context)
        } else if inputClosedHeld {
            inputClosedHeld = false
            context.fireUserInboundEventTriggered(ChannelEvent.inputClosed)
            return
        }
        // As the channel does after a read: ask for more, through the handlers after this one
        // (which may be pausing), in the next turn of the event loop.
        nextTurn(context: context)
    }

    // MARK: Handing on

    /// Hands `buffer` on in slices; stops, leaving the rest in `buffer`, when the channel stops
    /// being writable, the rate budget is spent or the turn's lines are. Returns true when
    /// everything was handed on.
    @discardableResult
    private func handOn(context: ChannelHandlerContext, _ buffer: inout ByteBuffer, checkWritable: Bool) -> Bool {
        while buffer.readableBytes > 0 {
            if checkWritable,
                !context.channel.isWritable || linesThisTurn >= Self.maxLinesPerTurn || rateWait(context: context) != nil
            {
                return false
            }
            let slice = buffer.readSlice(length: min(Self.sliceBytes, buffer.readableBytes))!
            let lines = Self.countLines(slice)
            linesThisTurn += lines
            spendRate(lines: lines, context: context)
            context.fireChannelRead(wrapInboundOut(slice))
        }
        return true
    }

    /// Input is held back: replies go out, and a timer or the next turn picks it up.
    private func holding(context: ChannelHandlerContext) {
        context.flush()
        if !context.channel.isWritable {
            startStallTimer(context: context)
        } else if let wait = rateWait(context: context) {
            scheduleRateResume(context: context, after: wait)
        }
    }

    /// Asks the pipeline for a read in the next turn of the event loop.
    private func nextTurn(context: ChannelHandlerContext) {
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        context.eventLoop.execute {
            let (handler, context) = bound.value
            handler.requestRead(context: context)
        }
    }

    /// A read request from the end of the pipeline, so that the handlers after this one decide
    /// whether they want more input now.
    private func requestRead(context: ChannelHandlerContext) {
        guard !closed, context.channel.isActive else { return }
        context.pipeline.syncOperations.read()
    }

    // MARK: Line timeouts

    private func noteArrival(_ buffer: ByteBuffer, context: ChannelHandlerContext) {
        guard buffer.readableBytes > 0 else { return }
        let hasNewline = buffer.withUnsafeReadableBytes { memchr($0.baseAddress!, 0x0A, $0.count) != nil }
        let endsMidLine = buffer.getInteger(at: buffer.writerIndex - 1, as: UInt8.self) != 0x0A
        if hasNewline { sawFirstLine = true }
        let lineStartsHere = hasNewline || !midLine
        midLine = endsMidLine
        guard sawFirstLine else { return }  // the first-line deadline stands
        guard midLine, let partialLine = limits.partialLine else {
            lineDeadline = nil
            return
        }
        if lineStartsHere || lineDeadline == nil {
            lineDeadline = context.eventLoop.now + partialLine
            scheduleLineCheck(context: context)
        }
    }

    private func scheduleLineCheck(context: ChannelHandlerContext) {
        guard lineTimer == nil, let lineDeadline else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        lineTimer = context.eventLoop.scheduleTask(deadline: lineDeadline) {
            let (handler, context) = bound.value
            handler.lineTimer = nil
            handler.checkLineDeadline(context: context)
        }
    }

    private func checkLineDeadline(context: ChannelHandlerContext) {
        guard !closed, let deadline = lineDeadline else { return }
        let now = context.eventLoop.now
        if deadline > now {
            scheduleLineCheck(context: context)
            return
        }
        if !reading {
            // The daemon is not reading (backpressure, rate, unread replies): not the client's fault.
            lineDeadline = now + (sawFirstLine ? limits.partialLine : limits.firstLine)!
            scheduleLineCheck(context: context)
            return
        }
        let what = sawFirstLine ? "a line was not completed" : "no complete first line arrived"
        let seconds = (sawFirstLine ? limits.partialLine : limits.firstLine)!.nanoseconds / 1_000_000_000
        warnings.lineTimeout.record(logger, metadata: ["limit.seconds": "\(seconds)"])
        counters.connectionsTimedOut.wrappingAdd(1, ordering: .relaxed)
        closeWithError(context: context, .lineTimeout, "\(what) within \(seconds) s; closing the connection")
    }

    private func closeWithError(context: ChannelHandlerContext, _ code: ConnectionErrorCode, _ message: String) {
        closed = true
        cancelTimers()
        context.writeAndFlush(
            wrapOutboundOut(ByteBuffer(bytes: WireReply.connectionError(code, message))),
            promise: nil
        )
        context.close(promise: nil)
    }

    // MARK: Unread replies

    private func startStallTimer(context: ChannelHandlerContext) {
        guard stallTimer == nil, !closed, let writeStall = limits.writeStall else { return }
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        stallTimer = context.eventLoop.scheduleTask(in: writeStall) {
            let (handler, context) = bound.value
            handler.stallTimer = nil
            guard !handler.closed, !context.channel.isWritable else { return }
            handler.warnings.writeStall.record(
                handler.logger,
                metadata: ["limit.seconds": "\(writeStall.nanoseconds / 1_000_000_000)"]
            )
            handler.counters.connectionsStalled.wrappingAdd(1, ordering: .relaxed)
            handler.closed = true
            handler.stalled = true
            handler.cancelTimers()
            context.close(promise: nil)
        }
    }

    // MARK: Rate

    /// How long reading must wait for the rate limits (after refilling the budgets for the time
    /// passed); `nil` when it may go on.
    private func rateWait(context: ChannelHandlerContext) -> TimeAmount? {
        guard connectionBudget != nil || peerBudgets != nil else { return nil }
        let now = context.eventLoop.now
        var wait: TimeAmount?
        if var budget = connectionBudget {
            budget.refill(now: now)
            connectionBudget = budget
            if budget.isEmpty { wait = budget.waitForNextLine }
        }
        if let peerWait = peerBudgets?.wait(uid: peerUID, now: now) {
            wait = max(wait ?? .zero, peerWait)
        }
        return wait
    }

    private func spendRate(lines: Int, context: ChannelHandlerContext) {
        connectionBudget?.spend(lines: lines)
        peerBudgets?.spend(uid: peerUID, lines: lines, now: context.eventLoop.now)
    }

    private static func countLines(_ slice: ByteBuffer) -> Int {
        slice.withUnsafeReadableBytes { bytes -> Int in
            var count = 0
            var start = bytes.baseAddress!
            var remaining = bytes.count
            while remaining > 0, let found = memchr(start, 0x0A, remaining) {
                count += 1
                let next = UnsafeRawPointer(found) + 1
                remaining -= next - UnsafeRawPointer(start)
                start = next
            }
            return count
        }
    }

    /// Resumes reading after `wait`, when the budgets hold a line again.
    private func scheduleRateResume(context: ChannelHandlerContext, after wait: TimeAmount) {
        guard rateTimer == nil, !closed else { return }
        counters.rateLimitPauses.wrappingAdd(1, ordering: .relaxed)
        let bound = NIOLoopBound((self, context), eventLoop: context.eventLoop)
        rateTimer = context.eventLoop.scheduleTask(in: wait) {
            let (handler, context) = bound.value
            handler.rateTimer = nil
            handler.requestRead(context: context)
        }
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        cancelTimers()
    }

    private func cancelTimers() {
        lineTimer?.cancel()
        lineTimer = nil
        stallTimer?.cancel()
        stallTimer = nil
        rateTimer?.cancel()
        rateTimer = nil
    }
}

/// The throttled warnings of all connections, shared by their guards.
final class ConnectionWarnings: Sendable {
    let lineTimeout = WarningThrottle("connection closed: line not completed in time")
    let writeStall = WarningThrottle("connection closed: its client has not read its replies in time")
    let tooMany = WarningThrottle("connection refused: too many open")
}
