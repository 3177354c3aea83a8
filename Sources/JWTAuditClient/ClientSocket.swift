#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A connected, non-blocking Unix stream socket owned by the writer thread.
final class ClientSocket {
    /// What a poll found.
    struct Readiness {
        /// Input (or a hang-up) is waiting.
        var readable = false
        /// The socket takes data.
        var writable = false
    }

    /// A failed system call: the connection is unusable.
    struct Failure: Error, CustomStringConvertible {
        /// What failed, with the system's reason.
        var description: String
    }

    private(set) var descriptor: Int32
    private var input: [UInt8] = []
    private var inputStart = 0
    private var scratch = [UInt8](repeating: 0, count: 16_384)
    /// Set when the daemon closed its side.
    private(set) var peerClosed = false

    /// Connects to `path`.
    init(path: String) throws(Failure) {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else {
            throw Failure(description: "a Unix socket path must have 1 to \(capacity - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: pathBytes)
            raw[pathBytes.count] = 0
        }
        #if canImport(Glibc)
        let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #else
        let socketType = SOCK_STREAM
        #endif
        let fd = socket(AF_UNIX, socketType, 0)
        guard fd >= 0 else { throw Failure(description: "socket: \(Self.describe(errno))") }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard status == 0 else {
            let code = errno
            _ = close(fd)
            throw Failure(description: "connect: \(Self.describe(code))")
        }
        #if canImport(Darwin)
        var one: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif
        _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
        descriptor = fd
    }

    deinit {
        if descriptor >= 0 { _ = close(descriptor) }
    }

    /// Closes the socket.
    func shutdown() {
        if descriptor >= 0 {
            _ = close(descriptor)
            descriptor = -1
        }
    }

    /// Waits up to `timeoutMillis` for input, or for room to write when `wantWrite`.
    func poll(wantWrite: Bool, timeoutMillis: Int32) throws(Failure) -> Readiness {
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN) | (wantWrite ? Int16(POLLOUT) : 0), revents: 0)
        let ready = systemPoll(&poller, timeoutMillis)
        if ready < 0 {
            let code = errno
            if code == EINTR { return Readiness() }
            throw Failure(description: "poll: \(Self.describe(code))")
        }
        var readiness = Readiness()
        if ready > 0 {
            readiness.readable = poller.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0
            readiness.writable = poller.revents & Int16(POLLOUT) != 0
        }
        return readiness
    }

    /// Writes what the socket takes of `bytes` now; returns the count (0 when it is full).
    func send(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Int {
        guard !bytes.isEmpty else { return 0 }
        #if canImport(Glibc)
        let flags = Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)
        #else
        let flags = MSG_DONTWAIT
        #endif
        let written = systemSend(descriptor, bytes, flags)
        if written < 0 {
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { return 0 }
            throw Failure(description: "send: \(Self.describe(code))")
        }
        return written
    }

    /// Reads everything waiting into the line buffer; sets ``peerClosed`` at end of stream.
    func receive() throws(Failure) {
        while !peerClosed {
            let count = scratch.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            if count > 0 {
                input.append(contentsOf: scratch[0..<count])
                if input.count - inputStart > 1 << 20 {
                    throw Failure(description: "the daemon sent a reply line over 1 MiB")
                }
                continue
            }
            if count == 0 {
                peerClosed = true
                return
            }
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK { return }
            if code == EINTR { continue }
            throw Failure(description: "recv: \(Self.describe(code))")
        }
    }

    /// Calls `body` with each complete line received (without its newline).
    func forEachLine(_ body: (UnsafeRawBufferPointer) -> Void) {
        input.withUnsafeBytes { raw in
            while inputStart < raw.count {
                guard let newline = raw[inputStart...].firstIndex(of: 0x0A) else { break }
                body(UnsafeRawBufferPointer(rebasing: raw[inputStart..<newline]))
                inputStart = newline + 1
            }
        }
        if inputStart > 0 {
            input.removeSubrange(0..<inputStart)
            inputStart = 0
        }
    }

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// `poll` on one descriptor (a free function: inside the class, `poll` means the method).
private func systemPoll(_ poller: inout pollfd, _ timeoutMillis: Int32) -> Int32 {
    poll(&poller, 1, timeoutMillis)
}

/// `send` (a free function: inside the class, `send` means the method).
private func systemSend(_ descriptor: Int32, _ bytes: UnsafeRawBufferPointer, _ flags: Int32) -> Int {
    send(descriptor, bytes.baseAddress, bytes.count, flags)
}
