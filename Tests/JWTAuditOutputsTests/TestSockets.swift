import Foundation
import Glibc
import NIOConcurrencyHelpers

/// Small blocking socket servers on loopback and in temporary folders, for output tests.
enum TestSockets {
    /// A listening TCP socket on 127.0.0.1 and its port.
    static func listenTCP() throws -> (fd: Int32, port: Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
            }
        }
        guard bound == 0, listen(fd, 16) == 0 else {
            close(fd)
            throw POSIXError(.EADDRINUSE)
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return (fd, Int(UInt16(bigEndian: address.sin_port)))
    }

    /// A loopback port with nothing listening on it.
    static func closedPort() throws -> Int {
        let (fd, port) = try listenTCP()
        close(fd)
        return port
    }

    /// Waits up to `milliseconds` for `fd` to become readable.
    static func waitReadable(_ fd: Int32, milliseconds: Int32) -> Bool {
        var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        return poll(&poller, 1, milliseconds) > 0
    }

    /// A new folder under the temporary directory with a short path (Unix socket paths are short).
    static func temporaryFolder() throws -> String {
        let path = "/tmp/jwtout-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }
}

/// Runs blocking `body` on a thread of its own, so that waiting for a socket never holds one of
/// the few threads that all concurrently running tests share.
func onThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread { continuation.resume(returning: body()) }.start()
    }
}

/// Work started on its own thread at once (not when the cooperative pool gets round to a child
/// task), whose result is collected later.
final class ThreadResult<T: Sendable>: @unchecked Sendable {
    private let done = DispatchSemaphore(value: 0)
    private var value: T?

    init(_ body: @escaping @Sendable () -> T) {
        Thread { [self] in
            value = body()
            done.signal()
        }.start()
    }

    /// Waits for the thread to finish.
    func wait() -> T {
        done.wait()
        return value!
    }
}

/// A Unix datagram socket bound to a path: the shape of `/dev/log`. Used by one test at a time.
final class TestDatagramReceiver: @unchecked Sendable {
    let path: String
    private let fd: Int32

    init(path: String) throws {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: Array(path.utf8))
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard fd >= 0, bound == 0 else { throw POSIXError(.EADDRINUSE) }
    }

    /// The next datagram, or `nil` after `seconds` without one.
    func receive(within seconds: Double = 10) -> [UInt8]? {
        guard TestSockets.waitReadable(fd, milliseconds: Int32(seconds * 1_000)) else { return nil }
        var buffer = [UInt8](repeating: 0, count: 256 * 1024)
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        return count >= 0 ? Array(buffer[..<count]) : nil
    }

    func close() {
        Glibc.close(fd)
        unlink(path)
    }
}

/// A TCP listener that accepts one connection at a time and reads what it sends. Used by one
/// test at a time.
final class TestStreamReceiver: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    private var connection: Int32 = -1
    private(set) var received: [UInt8] = []

    init() throws {
        (listener, port) = try TestSockets.listenTCP()
    }

    /// Reads (accepting a connection first when needed) until `enough` holds for all bytes read on
    /// all connections so far, or `seconds` pass.
    func read(within seconds: Double = 10, until enough: ([UInt8]) -> Bool) -> Bool {
        let deadline = Date(timeIntervalSinceNow: seconds)
        while !enough(received) && Date() < deadline {
            if connection < 0 {
                guard TestSockets.waitReadable(listener, milliseconds: 50) else { continue }
                connection = accept(listener, nil, nil)
                continue
            }
            guard TestSockets.waitReadable(connection, milliseconds: 50) else { continue }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if count <= 0 {
                Glibc.close(connection)
                connection = -1
            } else {
                received.append(contentsOf: buffer[..<count])
            }
        }
        return enough(received)
    }

    /// Closes the current connection, as a receiver restarting would.
    func dropConnection() {
        if connection >= 0 { Glibc.close(connection) }
        connection = -1
    }

    func close() {
        dropConnection()
        Glibc.close(listener)
    }
}

/// A one-request-per-connection HTTP/1.1 server on a thread, answering with scripted statuses.
final class TestHTTPServer: Sendable {
    /// A request as received.
    struct Request: Sendable {
        var method: String
        var target: String
        var headers: [String: String]
        var body: [UInt8]
    }

    let port: Int
    private let listener: Int32
    private let state: NIOLockedValueBox<State>

    private struct State {
        var statuses: [Int]
        var requests: [Request] = []
        var holding = false
        var stopped = false
    }

    /// A server answering the n-th request with `statuses[n]`, and 200 after the list runs out.
    init(statuses: [Int] = []) throws {
        (listener, port) = try TestSockets.listenTCP()
        state = NIOLockedValueBox(State(statuses: statuses))
        let thread = Thread { [self] in run() }
        thread.start()
    }

    var url: String { "http://127.0.0.1:\(port)/hooks/alerts?token=secret-in-query" }

    var requests: [Request] { state.withLockedValue { $0.requests } }

    /// While held, requests are read and recorded but not answered.
    func hold(_ holding: Bool) {
        state.withLockedValue { $0.holding = holding }
    }

    func stop() {
        state.withLockedValue { $0.stopped = true }
    }

    private func run() {
        while !state.withLockedValue({ $0.stopped }) {
            guard TestSockets.waitReadable(listener, milliseconds: 50) else { continue }
            let connection = accept(listener, nil, nil)
            guard connection >= 0 else { continue }
            serve(connection)
            Glibc.close(connection)
        }
        Glibc.close(listener)
    }

    private func serve(_ connection: Int32) {
        var data: [UInt8] = []
        var request: Request?
        let deadline = Date(timeIntervalSinceNow: 10)
        while request == nil && Date() < deadline {
            guard TestSockets.waitReadable(connection, milliseconds: 50) else { continue }
            var buffer = [UInt8](repeating: 0, count: 65_536)
            let count = buffer.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { return }
            data.append(contentsOf: buffer[..<count])
            request = Self.parse(data)
        }
        guard let request else { return }
        let status = state.withLockedValue { state -> Int in
            state.requests.append(request)
            return state.statuses.isEmpty ? 200 : state.statuses.removeFirst()
        }
        while state.withLockedValue({ $0.holding && !$0.stopped }) { usleep(5_000) }
        let response = "HTTP/1.1 \(status) Scripted\r\nContent-Length: 2\r\nConnection: close\r\n\r\nok"
        _ = Array(response.utf8).withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// A complete request in `data`, or `nil` while more is needed.
    private static func parse(_ data: [UInt8]) -> Request? {
        let separator = Array("\r\n\r\n".utf8)
        guard let end = data.indices.first(where: { data[$0...].starts(with: separator) }) else { return nil }
        let head = String(decoding: data[..<end], as: UTF8.self).components(separatedBy: "\r\n")
        let requestLine = head[0].split(separator: " ")
        var headers: [String: String] = [:]
        for line in head.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces)
        }
        let length = Int(headers["content-length"] ?? "0") ?? 0
        let bodyStart = end + separator.count
        guard data.count >= bodyStart + length else { return nil }
        return Request(
            method: String(requestLine[0]), target: String(requestLine[1]), headers: headers,
            body: Array(data[bodyStart..<bodyStart + length])
        )
    }
}
