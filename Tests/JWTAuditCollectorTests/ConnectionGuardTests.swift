import Logging
import NIOCore
import NIOEmbedded
import Testing

@testable import JWTAuditCollector

/// ``ConnectionGuard`` on an `EmbeddedChannel`, whose event loop runs on virtual time: every limit
/// is checked at the instant it should act, and one instant before. The end-to-end tests in
/// `AbusiveClientTests` run the same limits against the real daemon.
@Suite("Connection guard")
struct ConnectionGuardTests {
    /// A guard between a counter of the reads it lets through and a sink of what it hands on.
    final class GuardedChannel {
        let channel: EmbeddedChannel
        let reads = ReadCounter()
        let sink = LineSink()
        let counters = CollectorCounters()

        init(
            _ configure: (inout CollectorConfiguration) -> Void, uid: UInt32 = 1_000, budgets: PeerRateBudgets? = nil,
            loop: EmbeddedEventLoop = EmbeddedEventLoop()
        ) throws {
            var configuration = CollectorConfiguration()
            configure(&configuration)
            let guardHandler = ConnectionGuard(
                limits: .init(configuration), peerUID: uid, peerBudgets: budgets, counters: counters,
                logger: Logger(label: "test"), warnings: ConnectionWarnings())
            channel = EmbeddedChannel(handlers: [reads, guardHandler, sink], loop: loop)
            try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        }

        var loop: EmbeddedEventLoop { channel.embeddedEventLoop }

        /// Bytes arrive from the client, as one read the channel asked for; then the channel asks
        /// for more, as it does after every read.
        func receive(_ text: String) throws {
            channel.read()
            try channel.writeInbound(ByteBuffer(string: text))
            channel.read()
        }

        /// The connection-level error line written to the client, if any.
        func errorCode() throws -> String? {
            guard let reply = try channel.readOutbound(as: ByteBuffer.self) else { return nil }
            let text = String(buffer: reply)
            guard let range = text.range(of: "\"code\":\"") else { return text }
            return String(text[range.upperBound...].prefix { $0 != "\"" })
        }
    }

    /// Counts the reads that reach the channel, i.e. that the guard did not withhold.
    final class ReadCounter: ChannelOutboundHandler {
        typealias OutboundIn = Never
        var count = 0
        func read(context: ChannelHandlerContext) {
            count += 1
            context.read()
        }
    }

    /// Collects what the guard hands on, counting lines.
    final class LineSink: ChannelInboundHandler {
        typealias InboundIn = ByteBuffer
        var bytes: [UInt8] = []
        var lines: Int { bytes.count { $0 == 0x0A } }
        func channelRead(context: ChannelHandlerContext, data: NIOAny) {
            bytes += unwrapInboundIn(data).readableBytesView
        }
    }

    @Test("no complete first line within first_line_timeout_seconds: line_timeout, closed, counted")
    func firstLineTimeout() throws {
        let guarded = try GuardedChannel { $0.firstLineTimeoutSeconds = 2 }
        guarded.channel.read()
        guarded.loop.advanceTime(by: .milliseconds(1_999))
        #expect(guarded.channel.isActive)
        #expect(try guarded.errorCode() == nil)
        guarded.loop.advanceTime(by: .milliseconds(1))
        #expect(try guarded.errorCode() == "line_timeout")
        #expect(!guarded.channel.isActive)
        #expect(guarded.counters.connectionsTimedOut.load(ordering: .relaxed) == 1)
    }

    @Test("time during which the daemon is not reading does not count against the client")
    func notReadingDoesNotCount() throws {
        let guarded = try GuardedChannel { $0.firstLineTimeoutSeconds = 2 }
        // No read requested (backpressure): the deadline keeps moving.
        guarded.loop.advanceTime(by: .seconds(10))
        #expect(guarded.channel.isActive)
        guarded.channel.read()
        guarded.loop.advanceTime(by: .seconds(2))
        #expect(try guarded.errorCode() == "line_timeout")
        #expect(!guarded.channel.isActive)
    }

    @Test("a started line must end within partial_line_timeout_seconds of its first byte; idle between lines is fine")
    func partialLineTimeout() throws {
        let guarded = try GuardedChannel {
            $0.firstLineTimeoutSeconds = 2
            $0.partialLineTimeoutSeconds = 2
        }
        try guarded.receive("{\"hello\":1}\n")
        guarded.loop.advanceTime(by: .seconds(60))
        #expect(guarded.channel.isActive, "idle between complete lines is not a timeout")

        try guarded.receive("{\"half")
        guarded.loop.advanceTime(by: .milliseconds(1_500))
        // The line ends and the next begins: its deadline counts from now.
        try guarded.receive("\"}\n{\"next")
        guarded.loop.advanceTime(by: .milliseconds(1_999))
        #expect(guarded.channel.isActive)
        // More bytes of the same line do not move its deadline (a byte at a time is no escape).
        try guarded.receive("x")
        guarded.loop.advanceTime(by: .milliseconds(1))
        #expect(try guarded.errorCode() == "line_timeout")
        #expect(!guarded.channel.isActive)
        #expect(guarded.sink.lines == 2, "complete lines before the timeout were handed on")
    }

    @Test("a client that reads no replies: input is held while unwritable, handed on when writable again")
    func heldWhileUnwritable() throws {
        let guarded = try GuardedChannel { $0.writeStallTimeoutSeconds = 3 }
        try guarded.receive("{}\n")
        guarded.channel.isWritable = false
        guarded.channel.pipeline.fireChannelWritabilityChanged()
        let readsBefore = guarded.reads.count
        try guarded.receive(String(repeating: "{}\n", count: 100))
        #expect(guarded.sink.lines == 1, "input was handed on while the client read no replies")
        #expect(guarded.reads.count == readsBefore, "the guard kept reading from a client that reads nothing")

        guarded.loop.advanceTime(by: .seconds(2))
        guarded.channel.isWritable = true
        guarded.channel.pipeline.fireChannelWritabilityChanged()
        guarded.loop.run()
        #expect(guarded.sink.lines == 101)
        guarded.loop.advanceTime(by: .seconds(5))
        #expect(guarded.channel.isActive, "closed although the client read again")
        #expect(guarded.counters.connectionsStalled.load(ordering: .relaxed) == 0)
    }

    @Test("a connection unwritable for write_stall_timeout_seconds is closed and counted; held input is dropped")
    func writeStall() throws {
        let guarded = try GuardedChannel { $0.writeStallTimeoutSeconds = 3 }
        guarded.channel.isWritable = false
        guarded.channel.pipeline.fireChannelWritabilityChanged()
        try guarded.receive(String(repeating: "{}\n", count: 100))
        guarded.loop.advanceTime(by: .milliseconds(2_999))
        #expect(guarded.channel.isActive)
        guarded.loop.advanceTime(by: .milliseconds(1))
        #expect(!guarded.channel.isActive)
        #expect(guarded.counters.connectionsStalled.load(ordering: .relaxed) == 1)
        #expect(guarded.sink.lines == 0, "input of a connection closed for not reading was handed on")
    }

    @Test("at most maxLinesPerTurn lines are handed on per read; the rest waits for the next")
    func linesPerTurn() throws {
        let guarded = try GuardedChannel { _ in }
        let lines = ConnectionGuard.maxLinesPerTurn + 1_808
        try guarded.channel.writeInbound(ByteBuffer(string: String(repeating: "x\n", count: lines)))
        #expect(guarded.sink.lines == ConnectionGuard.maxLinesPerTurn)
        guarded.channel.read()
        guarded.loop.run()
        #expect(guarded.sink.lines == lines)
    }

    @Test("max_lines_per_second: reading pauses while the connection is over budget and resumes in time; nothing is dropped")
    func connectionRate() throws {
        let guarded = try GuardedChannel { $0.maxLinesPerSecondPerConnection = 100 }
        try guarded.receive(String(repeating: "{}\n", count: 300))
        #expect(guarded.sink.lines == 300, "a read already made is handed on whole")
        let reads = guarded.reads.count
        guarded.channel.read()
        #expect(guarded.reads.count == reads, "read again while 200 lines over a budget of 100 a second")
        #expect(guarded.counters.rateLimitPauses.load(ordering: .relaxed) >= 1)
        // 200 lines of debt plus one line: 2.01 s.
        guarded.loop.advanceTime(by: .milliseconds(2_000))
        #expect(guarded.reads.count == reads)
        guarded.loop.advanceTime(by: .milliseconds(20))
        #expect(guarded.reads.count > reads)
    }

    @Test("max_lines_per_second_per_uid: connections of one uid share a budget; another uid is not slowed")
    func uidRate() throws {
        let loop = EmbeddedEventLoop()
        let budgets = PeerRateBudgets(linesPerSecond: 100)
        let first = try GuardedChannel({ _ in }, uid: 1_000, budgets: budgets, loop: loop)
        let second = try GuardedChannel({ _ in }, uid: 1_000, budgets: budgets, loop: loop)
        let other = try GuardedChannel({ _ in }, uid: 1_001, budgets: budgets, loop: loop)
        try first.receive(String(repeating: "{}\n", count: 150))
        #expect(first.sink.lines == 150)

        let secondReads = second.reads.count
        second.channel.read()
        #expect(second.reads.count == secondReads, "a second connection of the same uid got a budget of its own")
        let otherReads = other.reads.count
        other.channel.read()
        #expect(other.reads.count == otherReads + 1, "another uid was slowed down")

        loop.advanceTime(by: .milliseconds(520))
        #expect(second.reads.count > secondReads, "the uid's budget did not refill")
        #expect(first.counters.rateLimitPauses.load(ordering: .relaxed) + second.counters.rateLimitPauses.load(ordering: .relaxed) >= 1)
    }

    @Test("the end of the stream still hands on held input, so that a closing client's lines are stored")
    func inputHeldAtClose() throws {
        let guarded = try GuardedChannel { _ in }
        guarded.channel.isWritable = false
        guarded.channel.pipeline.fireChannelWritabilityChanged()
        try guarded.receive(String(repeating: "{}\n", count: 10))
        #expect(guarded.sink.lines == 0)
        _ = try guarded.channel.finish(acceptAlreadyClosed: true)
        #expect(guarded.sink.lines == 10)
    }
}
