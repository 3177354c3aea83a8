import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A tiny in-process stand-in for `jwtaudit serve`, speaking the acknowledged-mode protocol on
/// a Unix socket in a temporary folder: answers the hello, rejects lines that contain a marker,
/// and acknowledges what it read after each read (or after every line).
final class FakeDaemon: @unchecked Sendable {
    struct Behavior: Sendable {
        /// The hello reply; nil never answers.
        var helloReply: String? = #"{"hello":{"version":1,"max_line":4096}}"#
        /// Lines containing this are answered with an error.
        var rejectMarker = "REJECT"
        /// Acknowledge after every line (many small replies) rather than after each read.
        var ackEachLine = false
        /// Close the connection after this many event lines (without acknowledging them).
        var closeAfterLines: Int?
    }

    let folder: String
    let path: String
    private let behavior: Behavior
    private let listener: Int32
    private let lock = NSLock()
    private var helloLines: [String] = []
    private var eventLines: [[String]] = []
    private var stopped = false

    init(_ behavior: Behavior = Behavior()) throws {
        self.behavior = behavior
        folder = NSTemporaryDirectory() + "jwtaudit-load-tests-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        path = folder + "/fake.sock"
        listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        guard bound == 0, listen(listener, 64) == 0 else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: path])
        }
        Thread.detachNewThread { [self] in acceptLoop() }
    }

    /// Stops accepting and removes the temporary folder. Call it when the test ends: the
    /// accepting thread keeps the daemon alive, so there is no deinit to rely on.
    func shutdown() {
        stop()
        try? FileManager.default.removeItem(atPath: folder)
    }

    /// Stops accepting; open connections end when their clients close.
    func stop() {
        lock.lock()
        let wasStopped = stopped
        stopped = true
        lock.unlock()
        if !wasStopped {
            Glibc.shutdown(listener, Int32(SHUT_RDWR))
            close(listener)
        }
    }

    /// The hello lines received, one per connection.
    var hellos: [String] {
        lock.withLock { helloLines }
    }

    /// The event lines received, per connection, in order.
    var lines: [[String]] {
        lock.withLock { eventLines }
    }

    private func acceptLoop() {
        while true {
            let connection = accept(listener, nil, nil)
            if connection < 0 {
                if errno == EINTR { continue }
                return
            }
            let index = lock.withLock {
                eventLines.append([])
                return eventLines.count - 1
            }
            Thread.detachNewThread { [self] in serve(connection, index: index) }
        }
    }

    private func serve(_ connection: Int32, index: Int) {
        defer { close(connection) }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        var greeted = false
        var count = 0
        while true {
            let received = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
            if received <= 0 { return }
            buffer.append(contentsOf: chunk[0..<received])
            var replies = ""
            var consumed = 0
            while let newline = buffer[consumed...].firstIndex(of: 10) {
                let line = String(decoding: buffer[consumed..<newline], as: UTF8.self)
                consumed = newline + 1
                if !greeted {
                    greeted = true
                    lock.withLock { helloLines.append(line) }
                    guard let hello = behavior.helloReply else { continue }
                    replies += hello + "\n"
                    continue
                }
                count += 1
                lock.withLock { eventLines[index].append(line) }
                if line.contains(behavior.rejectMarker) {
                    replies += #"{"error":{"line":\#(count),"code":"invalid_field","field":"ts","#
                    replies += #""message":"not RFC 3339: \"x\""}}"# + "\n"
                }
                if behavior.ackEachLine { replies += "{\"ack\":\(count)}\n" }
                if let limit = behavior.closeAfterLines, count >= limit {
                    write(replies, to: connection)
                    return
                }
            }
            buffer.removeSubrange(0..<consumed)
            if greeted && count > 0 && !behavior.ackEachLine { replies += "{\"ack\":\(count)}\n" }
            write(replies, to: connection)
        }
    }

    private func write(_ text: String, to connection: Int32) {
        var bytes = Array(text.utf8)[...]
        while !bytes.isEmpty {
            let sent = bytes.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent <= 0 { return }
            bytes = bytes.dropFirst(sent)
        }
    }
}
