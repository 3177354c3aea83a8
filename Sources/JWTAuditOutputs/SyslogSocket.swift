#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Blocking socket calls for the syslog worker thread: connect with a timeout, send everything,
/// notice a peer that hung up.
enum SyslogSocket {
    /// A failed system call: what was tried and `errno`.
    struct Failure: Error, CustomStringConvertible {
        var operation: String
        var code: Int32

        var description: String { "\(operation): \(String(cString: strerror(code)))" }
    }

    #if canImport(Darwin)
    private static let streamType = SOCK_STREAM
    private static let datagramType = SOCK_DGRAM
    private static let sendFlags: Int32 = 0
    #else
    private static let streamType = Int32(SOCK_STREAM.rawValue)
    private static let datagramType = Int32(SOCK_DGRAM.rawValue)
    private static let sendFlags = Int32(MSG_NOSIGNAL)
    #endif

    /// A datagram socket connected to the Unix socket at `path` (such as `/dev/log`).
    static func connectUnixDatagram(path: String, timeout: Duration) throws(Failure) -> Int32 {
        let fd = socket(AF_UNIX, datagramType, 0)
        guard fd >= 0 else { throw Failure(operation: "socket", code: errno) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        guard pathBytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(fd)
            throw Failure(operation: "connect", code: ENAMETOOLONG)
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw Failure(operation: "connect", code: code)
        }
        setSendTimeout(fd, timeout)
        return fd
    }

    /// A TCP connection to `host:port`, trying each resolved address within `timeout`.
    static func connectTCP(host: String, port: Int, timeout: Duration) throws(Failure) -> Int32 {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = streamType
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, String(port), &hints, &list)
        guard status == 0, let first = list else { throw Failure(operation: "resolve", code: EHOSTUNREACH) }
        defer { freeaddrinfo(list) }
        var lastFailure = Failure(operation: "connect", code: EHOSTUNREACH)
        var entry: UnsafeMutablePointer<addrinfo>? = first
        while let info = entry {
            entry = info.pointee.ai_next
            let fd = socket(info.pointee.ai_family, streamType, info.pointee.ai_protocol)
            guard fd >= 0 else {
                lastFailure = Failure(operation: "socket", code: errno)
                continue
            }
            do throws(Failure) {
                try connectWithTimeout(fd, info.pointee.ai_addr, info.pointee.ai_addrlen, timeout: timeout)
                setSendTimeout(fd, timeout)
                return fd
            } catch {
                close(fd)
                lastFailure = error
            }
        }
        throw lastFailure
    }

    /// A non-blocking connect that waits at most `timeout`, leaving the socket blocking.
    private static func connectWithTimeout(
        _ fd: Int32, _ address: UnsafeMutablePointer<sockaddr>?, _ length: socklen_t, timeout: Duration
    ) throws(Failure) {
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        if connect(fd, address, length) != 0 {
            guard errno == EINPROGRESS else { throw Failure(operation: "connect", code: errno) }
            var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
            let ready = poll(&poller, 1, Int32(clamping: milliseconds(timeout)))
            guard ready > 0 else { throw Failure(operation: "connect", code: ready == 0 ? ETIMEDOUT : errno) }
            var socketError: Int32 = 0
            var size = socklen_t(MemoryLayout<Int32>.size)
            getsockopt(fd, SOL_SOCKET, SO_ERROR, &socketError, &size)
            guard socketError == 0 else { throw Failure(operation: "connect", code: socketError) }
        }
        _ = fcntl(fd, F_SETFL, flags)
    }

    /// Sends all of `bytes` (one datagram on a datagram socket).
    static func sendAll(_ fd: Int32, _ bytes: [UInt8]) throws(Failure) {
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, sendFlags) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw Failure(operation: "send", code: errno)
            }
            offset += sent
        }
    }

    /// Whether a stream peer closed its side or failed: a syslog receiver never writes back, so a
    /// readable socket means end of stream or an error.
    static func peerClosed(_ fd: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, 0) != 0
    }

    /// Closes a socket this enum opened.
    static func release(_ fd: Int32) {
        close(fd)
    }

    private static func setSendTimeout(_ fd: Int32, _ timeout: Duration) {
        let millis = milliseconds(timeout)
        var value = timeval(tv_sec: Int(millis / 1_000), tv_usec: Int(millis % 1_000) * 1_000)
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &value, socklen_t(MemoryLayout<timeval>.size))
    }

    private static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        return max(1, seconds * 1_000 + attoseconds / 1_000_000_000_000_000)
    }
}
