import Glibc
import JWTAuditStore

/// An exclusive lock on the data folder, held while the daemon runs, so that two daemons never
/// write the same store.
final class DataFolderLock: @unchecked Sendable {
    private let fd: Int32

    init(directory: DataDirectory) throws {
        let path = directory.root + "/daemon.lock"
        fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw SocketPathGuard.Refusal(description: "cannot open \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            throw SocketPathGuard.Refusal(
                description: "another jwtaudit daemon is using the data folder \(directory.root); refusing to start")
        }
    }

    deinit {
        close(fd)
    }
}
