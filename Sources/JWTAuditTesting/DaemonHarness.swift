import Foundation

/// Runs the real `jwtaudit serve` as a child process on a temporary socket and data folder.
public final class DaemonHarness: @unchecked Sendable {
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The folder holding the socket, the data folder and the daemon's log.
    public let folder: TemporaryDirectory
    public var socketPath: String { folder.file("jwtaudit.sock") }
    public var dataPath: String { folder.file("data") }
    public var logPath: String { folder.file("daemon.log") }
    /// Extra arguments for `serve`.
    public let extraArguments: [String]
    private var process: Process?

    public init(extraArguments: [String] = []) throws {
        folder = try TemporaryDirectory(prefix: "jwtaudit-e2e")
        self.extraArguments = extraArguments
    }

    /// The `jwtaudit` executable (or another product, `name`) built beside the test bundle.
    public static func executablePath(named name: String = "jwtaudit") throws -> String {
        let runner = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        var candidates = [runner.deletingLastPathComponent().appendingPathComponent(name).path]
        var folder = runner.deletingLastPathComponent()
        for _ in 0..<4 {
            candidates.append(folder.appendingPathComponent(name).path)
            folder = folder.deletingLastPathComponent()
        }
        candidates.append(FileManager.default.currentDirectoryPath + "/.build/debug/" + name)
        if let found = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) {
            return found
        }
        throw Failure(description: "the \(name) executable was not built; looked in \(candidates)")
    }

    /// Runs `jwtaudit` with `arguments` to completion; returns exit status, stdout and stderr.
    public static func run(_ arguments: [String], stdin: Data? = nil) throws -> (status: Int32, output: String, error: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try executablePath())
        process.arguments = arguments
        let output = Pipe()
        let error = Pipe()
        process.standardOutput = output
        process.standardError = error
        let input = Pipe()
        process.standardInput = input
        try process.run()
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let outData = output.fileHandleForReading.readDataToEndOfFile()
        let errData = error.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData, as: UTF8.self))
    }

    /// Starts the daemon and waits until its socket accepts connections.
    public func start(timeout: Double = 60) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: try Self.executablePath())
        // The HTTP API on a port of the system's choosing, so that daemons run side by side.
        let http = extraArguments.contains("--http") ? [] : ["--http", "127.0.0.1:0"]
        process.arguments = ["serve", "--socket", socketPath, "--data", dataPath] + http + extraArguments
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let logFile = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        logFile.seekToEndOfFile()
        process.standardError = logFile
        process.standardOutput = logFile
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !process.isRunning {
                throw Failure(description: "the daemon exited with \(process.terminationStatus): \(log(tail: 20))")
            }
            // Accepting connections is not enough: the socket's mode and group are set just after
            // it listens, and the collector logs `listening` once they are.
            if (try? RawSocketClient(path: socketPath)) != nil,
                extraArguments.contains("--log-level") || log(tail: 50).contains("[JWTAuditCollector] listening")
            {
                return
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
        throw Failure(description: "the daemon did not listen within \(timeout) s: \(log(tail: 20))")
    }

    /// Sends SIGTERM and waits; returns the exit status.
    @discardableResult
    public func stop(timeout: Double = 60) throws -> Int32 {
        guard let process else { return 0 }
        process.terminate()
        try wait(process, timeout: timeout)
        self.process = nil
        return process.terminationStatus
    }

    /// Sends SIGKILL and waits.
    public func kill() throws {
        guard let process else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        try wait(process, timeout: 30)
        self.process = nil
    }

    /// The daemon's process id while it runs.
    public var pid: Int32? { process?.processIdentifier }

    /// A new client connected to the daemon.
    public func connect() throws -> RawSocketClient {
        try RawSocketClient(path: socketPath)
    }

    /// A new client in acknowledged mode as producer `client`: the hello is sent and its answer read.
    public func connectAcknowledged(client: String) throws -> RawSocketClient {
        let connection = try connect()
        try connection.send(RawSocketClient.hello(client: client))
        guard let reply = try connection.readLine(), reply.hasPrefix("{\"hello\":") else {
            throw Failure(description: "the daemon did not answer the hello of \(client)")
        }
        return connection
    }

    /// The HTTP API's port, read from the `http listening` line of the daemon's log (the daemon logs
    /// `http.address=HOST:PORT` once it listens).
    public func httpPort(timeout: Double = 30) throws -> Int {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
            for line in text.split(separator: "\n") where line.contains("http listening") {
                if let range = line.range(of: "http.address="),
                    let port = line[range.upperBound...].split(separator: " ").first?.split(separator: ":").last
                        .flatMap({ Int($0) })
                {
                    return port
                }
            }
            Thread.sleep(forTimeInterval: 0.05)
        } while Date() < deadline
        throw Failure(description: "the daemon did not log its HTTP address within \(timeout) s: \(log(tail: 20))")
    }

    /// The value of one series of `/metrics` (``PrometheusText/value(of:in:)``), `nil` when it is
    /// not exported. The daemon must run with `--metrics-without-token-on-loopback`.
    public func metric(_ series: String) throws -> Double? {
        PrometheusText.value(of: series, in: try HTTPTestClient.request("GET", "/metrics", port: try httpPort()).text)
    }

    /// The last `count` lines of the daemon's log.
    public func log(tail count: Int) -> String {
        let text = (try? String(contentsOfFile: logPath, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(count).joined(separator: "\n")
    }

    private func wait(_ process: Process, timeout: Double) throws {
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning {
            guard Date() < deadline else { throw Failure(description: "the daemon did not exit within \(timeout) s") }
            Thread.sleep(forTimeInterval: 0.02)
        }
    }

    deinit {
        if let process, process.isRunning {
            Glibc.kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
