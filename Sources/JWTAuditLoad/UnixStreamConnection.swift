#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A connected, non-blocking Unix `SOCK_STREAM` socket with `poll()`-driven reads and writes.
///
/// Used from one thread at a time. Writing never blocks without also reading: a peer that
/// answers while it receives (acks, errors) can never deadlock against a large send.
final class UnixStreamConnection {
    let path: String
    private(set) var descriptor: Int32
    /// Set once the peer closed its side (a read returned 0) or the connection broke.
    private(set) var peerClosed = false
    private var readBuffer: [UInt8] = []
    private var readStart = 0
    private var scratch = [UInt8](repeating: 0, count: 65_536)

    /// Connects to the socket at `path`.
    init(path: String) throws {
        self.path = path
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let pathBytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard !pathBytes.isEmpty, pathBytes.count < capacity else {
            throw LoadError(
                .connectFailed,
                "cannot connect to \(path): a Unix socket path must have 1 to \(capacity - 1) bytes"
            )
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
        guard fd >= 0 else {
            let code = errno
            throw LoadError(.connectFailed, "cannot create a socket: \(Self.describe(code))", errno: code)
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard status == 0 else {
            let code = errno
            closeDescriptor(fd)
            let hint =
                code == ENOENT || code == ECONNREFUSED ? " (is `jwtaudit serve` running with this --socket?)" : ""
            throw LoadError(
                .connectFailed,
                "cannot connect to the jwtaudit daemon at \(path): \(Self.describe(code))\(hint)",
                errno: code
            )
        }
        let flags = fcntl(fd, F_GETFL)
        _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK)
        descriptor = fd
    }

    deinit {
        if descriptor >= 0 { closeDescriptor(descriptor) }
    }

    /// Closes the socket.
    func close() {
        if descriptor >= 0 {
            closeDescriptor(descriptor)
            descriptor = -1
        }
    }

    /// Waits until the socket is writable or has input (or `timeoutMillis` passes, -1 = forever),
    /// reads whatever input there is into the line buffer, then writes as much of `bytes` as the
    /// socket takes. Returns the number of bytes written (0 on timeout or when only input came).
    func writeSome(_ bytes: UnsafeRawBufferPointer, timeoutMillis: Int32) throws -> Int {
        guard descriptor >= 0 else { throw LoadError(.connectionLost, "the connection to \(path) is closed") }
        if bytes.isEmpty { return 0 }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN | POLLOUT), revents: 0)
        let ready = poll(&poller, 1, timeoutMillis)
        if ready < 0 {
            let code = errno
            if code == EINTR { return 0 }
            throw LoadError(.io, "poll on \(path) failed: \(Self.describe(code))", errno: code)
        }
        if ready == 0 { return 0 }
        if poller.revents & Int16(POLLIN | POLLHUP | POLLERR) != 0 {
            try drainInput()
        }
        guard poller.revents & Int16(POLLOUT) != 0 else {
            if peerClosed || poller.revents & Int16(POLLERR | POLLHUP) != 0 {
                throw LoadError(.connectionLost, "the daemon at \(path) closed the connection")
            }
            return 0
        }
        #if canImport(Glibc)
        let flags = Int32(MSG_NOSIGNAL) | Int32(MSG_DONTWAIT)
        #else
        let flags = MSG_DONTWAIT
        #endif
        let written = send(descriptor, bytes.baseAddress, bytes.count, flags)
        if written < 0 {
            let code = errno
            if code == EAGAIN || code == EWOULDBLOCK || code == EINTR { return 0 }
            peerClosed = true
            throw LoadError(
                .connectionLost,
                "writing to the daemon at \(path) failed: \(Self.describe(code))",
                errno: code
            )
        }
        return written
    }

    /// Waits up to `timeoutMillis` (-1 = forever) for input and reads what there is.
    /// Returns whether anything arrived (or the peer closed).
    @discardableResult
    func waitForInput(timeoutMillis: Int32) throws -> Bool {
        guard descriptor >= 0 else { throw LoadError(.connectionLost, "the connection to \(path) is closed") }
        if peerClosed { return true }
        var poller = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        let ready = poll(&poller, 1, timeoutMillis)
        if ready < 0 {
            let code = errno
            if code == EINTR { return false }
            throw LoadError(.io, "poll on \(path) failed: \(Self.describe(code))", errno: code)
        }
        if ready == 0 { return false }
        try drainInput()
        return true
    }

    /// Reads until the socket has nothing more (or the peer closed).
    private func drainInput() throws {
        while !peerClosed {
            let count = scratch.withUnsafeMutableBytes {
                recv(descriptor, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT))
            }
            if count > 0 {
                readBuffer.append(contentsOf: scratch[0..<count])
                if readBuffer.count - readStart > 1 << 20, !readBuffer[readStart...].contains(UInt8(ascii: "\n")) {
                    throw LoadError(.connectionLost, "the daemon at \(path) sent a reply line over 1 MiB")
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
            peerClosed = true
            if code == ECONNRESET || code == EPIPE { return }
            throw LoadError(.io, "reading from the daemon at \(path) failed: \(Self.describe(code))", errno: code)
        }
    }

    /// Takes the next complete line (without `\n`) out of the read buffer, if there is one.
    ///
    /// The slice is valid until the next read; parse it before reading again.
    func nextLine() -> ArraySlice<UInt8>? {
        guard let newline = readBuffer[readStart...].firstIndex(of: UInt8(ascii: "\n")) else {
            // Keep only the partial line.
            if readStart > 0 {
                readBuffer.removeSubrange(0..<readStart)
                readStart = 0
            }
            return nil
        }
        let line = readBuffer[readStart..<newline]
        readStart = newline + 1
        return line
    }

    static func describe(_ code: Int32) -> String {
        String(cString: strerror(code))
    }
}

/// Closes a file descriptor (a free function: `close` inside the class means its method).
func closeDescriptor(_ descriptor: Int32) {
    _ = close(descriptor)
}

/// Monotonic time in nanoseconds, for measuring.
enum MonotonicClock {
    static func nanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }

    static func milliseconds(untilNanoseconds deadline: UInt64) -> Int32 {
        let now = nanoseconds()
        if deadline <= now { return 0 }
        return Int32(min((deadline - now + 999_999) / 1_000_000, UInt64(Int32.max)))
    }
}
