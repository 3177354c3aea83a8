import Glibc
import CPeerCredentials
import NIOCore

/// The credentials of the process on the other end of a connection, from `SO_PEERCRED`.
struct PeerCredentials: Sendable, Hashable {
    var uid: UInt32
    var gid: UInt32
    var pid: Int32

    /// Unknown credentials: uid and gid `UInt32.max` ("nobody known"), pid 0.
    static let unknown = PeerCredentials(uid: UInt32.max, gid: UInt32.max, pid: 0)

    /// Reads the credentials of `channel`'s peer; must run on the channel's event loop.
    static func read(_ channel: Channel) -> EventLoopFuture<PeerCredentials> {
        guard let provider = channel as? SocketOptionProvider else {
            return channel.eventLoop.makeSucceededFuture(.unknown)
        }
        let future: EventLoopFuture<jwtaudit_peer_credentials> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return future.map { PeerCredentials(uid: $0.uid, gid: $0.gid, pid: $0.pid) }
    }
}
