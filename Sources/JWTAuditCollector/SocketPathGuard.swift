import Glibc

/// Makes a socket path ready to bind: refuses a path a live process listens on or a file that is
/// not a socket, and removes a stale socket left by a crashed daemon.
enum SocketPathGuard {
    struct Refusal: Error, CustomStringConvertible {
        var description: String
    }

    static func prepare(_ path: String) throws {
        var info = stat()
        guard lstat(path, &info) == 0 else { return }
        guard info.st_mode & S_IFMT == S_IFSOCK else {
            throw Refusal(description: "\(path) exists and is not a socket; refusing to replace it")
        }
        if isLive(path) {
            throw Refusal(description: "\(path) is held by a running process (another jwtaudit daemon?); refusing to start")
        }
        guard unlink(path) == 0 else {
            throw Refusal(description: "cannot remove the stale socket \(path): \(String(cString: strerror(errno)))")
        }
    }

    /// Whether something accepts connections on the socket at `path`.
    static func isLive(_ path: String) -> Bool {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { return false }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        let status = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size))
            }
        }
        return status == 0
    }

    /// Sets the socket's mode (default 0660) and, when given, its group.
    static func secure(_ path: String, group: String?, mode: UInt32 = 0o660) throws {
        if let group {
            let gid: gid_t
            if let numeric = gid_t(group) {
                gid = numeric
            } else if let entry = getgrnam(group) {
                gid = entry.pointee.gr_gid
            } else {
                throw Refusal(description: "socket group \(group) does not exist")
            }
            guard chown(path, uid_t.max, gid) == 0 else {
                throw Refusal(description: "cannot give \(path) to group \(group): \(String(cString: strerror(errno)))")
            }
        }
        guard chmod(path, mode_t(mode)) == 0 else {
            let octal = String(mode, radix: 8)
            throw Refusal(description: "cannot set mode 0\(octal) on \(path): \(String(cString: strerror(errno)))")
        }
    }
}
