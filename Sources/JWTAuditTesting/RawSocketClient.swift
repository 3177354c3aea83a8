import Foundation

/// A blocking Unix-socket client for tests: writes raw bytes and reads reply lines with a
/// deadline, as any client of the wire protocol would.
public final class RawSocketClient {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to the socket at `path`.
    public init(path: String) throws {
        // A local until connected: once `self.fd` is set, a throw runs deinit, which would close it
        // a second time (and possibly another thread's newly opened file with the same number).
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { $0.copyBytes(from: bytes.prefix($0.count - 1)) }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard status == 0 else {
            let message = String(cString: strerror(errno))
            close(fd)
            throw Failure(description: "connect \(path): \(message)")
        }
        self.fd = fd
    }

    deinit {
        close(fd)
    }

    /// Writes all of `bytes`.
    public func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
            if written < 0 {
                if errno == EINTR { continue }
                throw Failure(description: "write: \(String(cString: strerror(errno)))")
            }
            offset += written
        }
    }

    /// Writes `text`.
    public func send(_ text: String) throws {
        try send(Array(text.utf8))
    }

    /// Closes the writing side; the daemon sees end of input and still answers.
    public func finishSending() {
        shutdown(fd, Int32(SHUT_WR))
    }

    /// The next reply line without its newline, or nil at end of stream or after `timeout` seconds.
    public func readLine(timeout: Double = 10) throws -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            if let newline = buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return nil }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(remaining * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return nil }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return nil }
            buffer.append(contentsOf: chunk[..<count])
        }
    }

    /// The socket's file descriptor.
    public var descriptor: Int32 { fd }

    /// What ``sendAvailable(_:timeout:)`` managed.
    public struct SendProgress: Sendable {
        /// Bytes the kernel took.
        public var written: Int
        /// The daemon closed the connection (EPIPE or ECONNRESET).
        public var peerClosed: Bool
    }

    /// Writes as much of `bytes` as the socket takes within `timeout` seconds, without ever
    /// blocking longer and without SIGPIPE: a client that keeps writing while it reads nothing.
    public func sendAvailable(_ bytes: [UInt8], timeout: Double) -> SendProgress {
        let deadline = Date().addingTimeInterval(timeout)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes {
                Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT) | Int32(MSG_NOSIGNAL))
            }
            if written >= 0 {
                offset += written
                continue
            }
            switch errno {
            case EINTR: continue
            case EAGAIN:
                let remaining = deadline.timeIntervalSinceNow
                guard remaining > 0 else { return SendProgress(written: offset, peerClosed: false) }
                var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&poller, 1, Int32(min(remaining, 0.2) * 1000) + 1)
            default:
                return SendProgress(written: offset, peerClosed: true)
            }
        }
        return SendProgress(written: offset, peerClosed: false)
    }

    /// Shrinks the socket's receive buffer, so that unread replies fill it sooner.
    public func setReceiveBuffer(_ bytes: Int32) {
        var size = bytes
        setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &size, socklen_t(MemoryLayout<Int32>.size))
    }

    /// Reads and discards until the daemon closes the connection (true) or `timeout` seconds pass.
    public func awaitClose(timeout: Double) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        buffer.removeAll()
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let remaining = deadline.timeIntervalSinceNow
            guard remaining > 0 else { return false }
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(remaining * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            guard ready > 0 else { return false }
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { return true }
        }
    }

    /// Reads replies until an `{"ack":N}` with N ≥ `lines` arrives; returns every line read,
    /// or throws on timeout.
    @discardableResult
    public func awaitAck(_ lines: Int, timeout: Double = 20) throws -> [String] {
        let deadline = Date().addingTimeInterval(timeout)
        var replies: [String] = []
        while let line = try readLine(timeout: max(0, deadline.timeIntervalSinceNow)) {
            replies.append(line)
            if let acked = Self.ackValue(line), acked >= lines { return replies }
        }
        throw Failure(description: "no ack for \(lines) lines; got: \(replies.suffix(5))")
    }

    /// N of an `{"ack":N}` line.
    public static func ackValue(_ line: String) -> Int? {
        guard line.hasPrefix("{\"ack\":"), line.hasSuffix("}") else { return nil }
        return Int(line.dropFirst(7).dropLast())
    }

    /// The hello line of acknowledged mode.
    public static func hello(client: String) -> String {
        "{\"hello\":{\"version\":1,\"ack\":true,\"client\":\"\(client)\"}}\n"
    }
}
