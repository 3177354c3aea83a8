import NIOCore

/// Answers a connection over `max_connections` with a `too_many_connections` error line and
/// closes it, so that the client learns why instead of seeing a bare end of stream.
final class ConnectionRefusal: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let limit: Int

    init(limit: Int) {
        self.limit = limit
    }

    func channelActive(context: ChannelHandlerContext) {
        let message = "the daemon already has \(limit) connections open (max_connections); try again later"
        let line = WireReply.connectionError(.tooManyConnections, message)
        context.writeAndFlush(wrapOutboundOut(ByteBuffer(bytes: line)), promise: nil)
        context.close(promise: nil)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {}
}
