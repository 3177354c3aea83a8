import Foundation

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A daemon run as a child process for a benchmark: started with `posix_spawn`, its output in a
/// log file, probed until its socket accepts connections, measured through `/proc`, and stopped
/// with SIGTERM.
public final class DaemonProcess {
    /// The child's process id.
    public let pid: pid_t
    /// Where the child's standard output and error go.
    public let logPath: String
    private var exitStatus: Int32?

    private init(pid: pid_t, logPath: String) {
        self.pid = pid
        self.logPath = logPath
    }

    deinit {
        if exitStatus == nil {
            kill(pid, SIGKILL)
            var status: Int32 = 0
            waitpid(pid, &status, 0)
        }
    }

    /// The path of the running executable (`/proc/self/exe`).
    public static func currentExecutablePath() -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return CommandLine.arguments.first }
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// Starts `executable` with `arguments`, standard input from /dev/null, standard output and
    /// error into `logPath`.
    public static func launch(executable: String, arguments: [String], logPath: String) throws -> DaemonProcess {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, logPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        // The child starts with no blocked signals and default dispositions, whatever this
        // process (a test runner, a service) blocked or ignored: SIGTERM must reach it.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var noSignals = sigset_t()
        sigemptyset(&noSignals)
        var defaultSignals = sigset_t()
        sigemptyset(&defaultSignals)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGQUIT, SIGUSR1, SIGUSR2] {
            sigaddset(&defaultSignals, signal)
        }
        posix_spawnattr_setsigmask(&attributes, &noSignals)
        posix_spawnattr_setsigdefault(&attributes, &defaultSignals)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
        let argv: [UnsafeMutablePointer<CChar>?] = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for argument in argv { free(argument) } }
        var pid = pid_t()
        let status = posix_spawn(&pid, executable, &actions, &attributes, argv, environ)
        guard status == 0 else {
            throw LoadError(
                .daemonFailed,
                "cannot start \(executable): \(UnixStreamConnection.describe(status))",
                errno: status
            )
        }
        return DaemonProcess(pid: pid, logPath: logPath)
    }

    /// The child's exit code if it has exited (a signal `n` is reported as 128 + n).
    public func exitCodeIfExited() -> Int32? {
        if let exitStatus { return exitStatus }
        var status: Int32 = 0
        let result = waitpid(pid, &status, WNOHANG)
        guard result == pid else { return nil }
        exitStatus = Self.decode(status)
        return exitStatus
    }

    /// Waits until the socket at `path` accepts a connection.
    ///
    /// - Throws: ``LoadError`` `daemonFailed` (with the end of its log) when the child exits first
    ///   or `timeout` passes.
    public func waitUntilAccepting(socketPath path: String, timeout: Duration) throws {
        let deadline = MonotonicClock.nanoseconds() + AcknowledgedClient.nanoseconds(timeout)
        while true {
            if let code = exitCodeIfExited() {
                throw LoadError(
                    .daemonFailed,
                    "the daemon exited with status \(code) before it accepted connections\n\(logTail())"
                )
            }
            if let connection = try? UnixStreamConnection(path: path) {
                connection.close()
                return
            }
            if MonotonicClock.nanoseconds() > deadline {
                throw LoadError(
                    .daemonFailed,
                    "the daemon did not accept connections on \(path) within \(timeout)\n\(logTail())"
                )
            }
            usleep(20_000)
        }
    }

    /// Peak resident set size in bytes (`VmHWM` in /proc/PID/status), while the child runs.
    public func peakResidentBytes() -> Int? {
        ProcessStatus.kilobytes("VmHWM", pid: pid).map { $0 * 1024 }
    }

    /// CPU time (user + system) the child used so far, in seconds (/proc/PID/stat).
    public func cpuSeconds() -> Double? {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        // Fields after "comm)": state is field 3; utime and stime are fields 14 and 15.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Sends SIGTERM and waits for the child to exit; SIGKILL after `timeout`.
    ///
    /// - Returns: the exit code (128 + n for a signal n).
    public func terminate(timeout: Duration) -> Int32 {
        if let code = exitCodeIfExited() { return code }
        kill(pid, SIGTERM)
        let deadline = MonotonicClock.nanoseconds() + AcknowledgedClient.nanoseconds(timeout)
        while MonotonicClock.nanoseconds() < deadline {
            if let code = exitCodeIfExited() { return code }
            usleep(10_000)
        }
        kill(pid, SIGKILL)
        var status: Int32 = 0
        waitpid(pid, &status, 0)
        exitStatus = Self.decode(status)
        return exitStatus!
    }

    /// The last lines of the child's log.
    public func logTail(lines: Int = 20) -> String {
        guard let text = try? String(contentsOfFile: logPath, encoding: .utf8) else { return "(no log at \(logPath))" }
        return text.split(separator: "\n", omittingEmptySubsequences: false).suffix(lines).joined(separator: "\n")
    }

    private static func decode(_ status: Int32) -> Int32 {
        let signal = status & 0x7F
        return signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    }
}
