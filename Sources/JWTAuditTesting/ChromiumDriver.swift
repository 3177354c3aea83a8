import Foundation

#if canImport(Glibc)
    import Glibc
#endif

/// Headless Chromium driven over the DevTools protocol on `--remote-debugging-pipe`: JSON
/// messages ending in NUL, commands written to the browser's fd 3 and answers read from its fd 4.
/// No websocket needed. One page, attached in flat mode.
public final class ChromiumDriver {
    /// A driver failure; the message says what the browser did or did not do.
    public struct Failure: Error, CustomStringConvertible {
        /// What went wrong.
        public var description: String

        init(_ description: String) { self.description = description }
    }

    private let pid: pid_t
    private let commands: Int32
    private let answers: Int32
    private var buffer: [UInt8] = []
    private var nextID = 0
    private var session: String?
    private var closed = false
    /// Protocol events seen so far (method and params), e.g. `Runtime.exceptionThrown`.
    public private(set) var events: [(method: String, params: [String: Any])] = []

    /// The first of `chromium`, `chromium-browser`, `google-chrome` on `PATH`, or nil.
    public static func executable() -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for name in ["chromium", "chromium-browser", "google-chrome"] {
            for folder in path.split(separator: ":") {
                let candidate = "\(folder)/\(name)"
                if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            }
        }
        return nil
    }

    /// Starts the browser with a fresh profile under `profile` and a `width`x`height` window, and
    /// attaches to its page.
    public init(executable: String, profile: String, width: Int = 1366, height: Int = 768) throws {
        signal(SIGPIPE, SIG_IGN)
        var toBrowser: [Int32] = [0, 0]
        var fromBrowser: [Int32] = [0, 0]
        guard pipe(&toBrowser) == 0, pipe(&fromBrowser) == 0 else { throw Failure("pipe failed: errno \(errno)") }
        for descriptor in toBrowser + fromBrowser { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
        // Keep the child's ends off 3 and 4 so that dup2 always makes fresh, inheritable copies.
        let childRead = fcntl(toBrowser[0], F_DUPFD_CLOEXEC, 10)
        let childWrite = fcntl(fromBrowser[1], F_DUPFD_CLOEXEC, 10)
        Glibc.close(toBrowser[0])
        Glibc.close(fromBrowser[1])
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, childRead, 3)
        posix_spawn_file_actions_adddup2(&actions, childWrite, 4)
        posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 2, "\(profile).log", O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        let arguments = [
            executable, "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--remote-debugging-pipe", "--user-data-dir=\(profile)", "--window-size=\(width),\(height)",
            "--no-first-run", "--no-default-browser-check", "--disable-extensions", "--disable-sync",
            "--disable-background-networking", "--hide-scrollbars", "about:blank",
        ]
        let argv = arguments.map { strdup($0) } + [nil]
        defer { argv.forEach { free($0) } }
        var child: pid_t = 0
        let status = posix_spawn(&child, executable, &actions, nil, argv, environ)
        Glibc.close(childRead)
        Glibc.close(childWrite)
        guard status == 0 else {
            Glibc.close(toBrowser[1])
            Glibc.close(fromBrowser[0])
            throw Failure("could not start \(executable): error \(status)")
        }
        pid = child
        commands = toBrowser[1]
        answers = fromBrowser[0]
        let targets = try send("Target.getTargets")["targetInfos"] as? [[String: Any]] ?? []
        let targetID: String
        if let page = targets.first(where: { $0["type"] as? String == "page" })?["targetId"] as? String {
            targetID = page
        } else {
            targetID = try send("Target.createTarget", ["url": "about:blank"])["targetId"] as? String ?? ""
        }
        let attached = try send("Target.attachToTarget", ["targetId": targetID, "flatten": true])
        guard let id = attached["sessionId"] as? String else { throw Failure("could not attach to the page") }
        session = id
        _ = try send("Page.enable")
        _ = try send("Runtime.enable")
        _ = try send(
            "Emulation.setDeviceMetricsOverride",
            ["width": width, "height": height, "deviceScaleFactor": 1, "mobile": false])
    }

    deinit { close() }

    /// Closes the browser and waits for it.
    public func close() {
        guard !closed else { return }
        closed = true
        _ = try? send("Browser.close", timeout: 5, toPage: false)
        Glibc.close(commands)
        Glibc.close(answers)
        var status: Int32 = 0
        for _ in 0..<50 {
            if waitpid(pid, &status, WNOHANG) == pid { return }
            usleep(100_000)
        }
        kill(pid, SIGKILL)
        waitpid(pid, &status, 0)
    }

    /// Sends one command (to the page's session unless `toPage` is false) and returns its result.
    @discardableResult
    public func send(_ method: String, _ params: [String: Any] = [:], timeout: Double = 30, toPage: Bool = true)
        throws -> [String: Any]
    {
        nextID += 1
        var message: [String: Any] = ["id": nextID, "method": method, "params": params]
        if toPage, let session { message["sessionId"] = session }
        var bytes = Array(try JSONSerialization.data(withJSONObject: message))
        bytes.append(0)
        var written = 0
        while written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(commands, $0.baseAddress, $0.count) }
            guard count > 0 else { throw Failure("the browser closed its command pipe (\(method))") }
            written += count
        }
        let deadline = Date().addingTimeInterval(timeout)
        while true {
            let reply = try readMessage(until: deadline, method: method)
            if let id = reply["id"] as? Int, id == nextID {
                if let error = reply["error"] as? [String: Any] {
                    throw Failure("\(method) failed: \(error["message"] as? String ?? "?")")
                }
                return reply["result"] as? [String: Any] ?? [:]
            }
            if let name = reply["method"] as? String {
                events.append((name, reply["params"] as? [String: Any] ?? [:]))
            }
        }
    }

    /// Evaluates `expression` in the page (promises awaited) and returns its value.
    public func evaluate(_ expression: String) throws -> Any? {
        let result = try send(
            "Runtime.evaluate", ["expression": expression, "returnByValue": true, "awaitPromise": true])
        if let exception = result["exceptionDetails"] as? [String: Any] {
            throw Failure("script failed: \(exception["text"] as? String ?? "?") in \(expression)")
        }
        return (result["result"] as? [String: Any])?["value"]
    }

    /// Polls `expression` until it is true; false after `timeout` seconds.
    public func wait(for expression: String, timeout: Double = 20) throws -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        repeat {
            if try evaluate(expression) as? Bool == true { return true }
            usleep(100_000)
        } while Date() < deadline
        return false
    }

    /// Loads `url` and waits for the document to be complete.
    public func navigate(_ url: String) throws {
        _ = try send("Page.navigate", ["url": url])
        guard try wait(for: "document.readyState === 'complete'") else { throw Failure("\(url) did not load") }
    }

    /// Types `text` into the element with id `id`, as a keyboard would.
    public func type(_ text: String, into id: String) throws {
        _ = try evaluate("document.getElementById(\(Self.quoted(id))).focus()")
        _ = try send("Input.insertText", ["text": text])
    }

    /// Clicks the element with id `id` at its centre with the mouse.
    public func click(_ id: String) throws {
        let box = try evaluate(
            """
            (() => { const e = document.getElementById(\(Self.quoted(id))); e.scrollIntoView({block: 'center'});
              const r = e.getBoundingClientRect(); return [r.x + r.width / 2, r.y + r.height / 2]; })()
            """) as? [Double]
        guard let box, box.count == 2 else { throw Failure("no element \(id) to click") }
        for type in ["mousePressed", "mouseReleased"] {
            _ = try send(
                "Input.dispatchMouseEvent",
                ["type": type, "x": box[0], "y": box[1], "button": "left", "clickCount": 1])
        }
    }

    /// A PNG of the viewport.
    public func screenshot() throws -> Data {
        let result = try send("Page.captureScreenshot", ["format": "png"])
        guard let text = result["data"] as? String, let data = Data(base64Encoded: text) else {
            throw Failure("no screenshot data")
        }
        return data
    }

    /// A JavaScript string literal for `text`.
    public static func quoted(_ text: String) -> String {
        let data = (try? JSONSerialization.data(withJSONObject: [text])) ?? Data("[\"\"]".utf8)
        return String(decoding: data.dropFirst().dropLast(), as: UTF8.self)
    }

    private func readMessage(until deadline: Date, method: String) throws -> [String: Any] {
        while true {
            if let end = buffer.firstIndex(of: 0) {
                let message = Array(buffer[..<end])
                buffer.removeSubrange(...end)
                guard let object = try JSONSerialization.jsonObject(with: Data(message)) as? [String: Any] else {
                    throw Failure("the browser sent a message that is not a JSON object")
                }
                return object
            }
            let left = deadline.timeIntervalSinceNow
            guard left > 0 else { throw Failure("no answer to \(method) in time") }
            var poller = pollfd(fd: answers, events: Int16(POLLIN), revents: 0)
            let ready = poll(&poller, 1, Int32(min(left, 1) * 1000))
            if ready <= 0 { continue }
            var chunk = [UInt8](repeating: 0, count: 65_536)
            let count = chunk.withUnsafeMutableBytes { read(answers, $0.baseAddress, $0.count) }
            guard count > 0 else { throw Failure("the browser closed its answer pipe (\(method))") }
            buffer += chunk[..<count]
        }
    }
}
