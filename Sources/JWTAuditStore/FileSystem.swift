import Glibc

/// The few file-system calls the store needs, with errors that name the path.
enum FileSystem {
    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    static func errnoText() -> String { String(cString: strerror(errno)) }

    static func makeDirectory(_ path: String, mode: mode_t) throws {
        if mkdir(path, mode) != 0 && errno != EEXIST {
            throw Failure(description: "cannot create folder \(path): \(errnoText())")
        }
    }

    static func refuseWorldWritable(_ path: String) throws {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw Failure(description: "cannot read \(path): \(errnoText())")
        }
        if info.st_mode & S_IWOTH != 0 {
            throw Failure(
                description: "\(path) is writable by every user (mode \(String(info.st_mode & 0o7777, radix: 8))); "
                    + "refusing to use it: run chmod o-w \(path)")
        }
    }

    static func listDirectory(_ path: String) throws -> [String] {
        guard let dir = opendir(path) else {
            throw Failure(description: "cannot list \(path): \(errnoText())")
        }
        defer { closedir(dir) }
        var names: [String] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                String(cString: raw.bindMemory(to: CChar.self).baseAddress!)
            }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    static func size(_ path: String) -> Int64 {
        var info = stat()
        return stat(path, &info) == 0 ? Int64(info.st_size) : 0
    }

    static func exists(_ path: String) -> Bool {
        access(path, F_OK) == 0
    }

    /// Reads a whole small file.
    static func read(_ path: String) throws -> [UInt8] {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: "cannot open \(path): \(errnoText())") }
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 { throw Failure(description: "cannot read \(path): \(errnoText())") }
            if count == 0 { return out }
            out.append(contentsOf: chunk[0..<count])
        }
    }

    /// Creates `path` with `mode`, failing if it exists, and writes `bytes` durably.
    static func createExclusive(_ path: String, bytes: [UInt8], mode: mode_t) throws {
        let fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(description: "cannot create \(path): \(errnoText())") }
        defer { close(fd) }
        let written = bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard written == bytes.count, fsync(fd) == 0 else {
            throw Failure(description: "cannot write \(path): \(errnoText())")
        }
    }

    /// The permission bits of `path`.
    static func mode(_ path: String) throws -> mode_t {
        var info = stat()
        guard stat(path, &info) == 0 else { throw Failure(description: "cannot read \(path): \(errnoText())") }
        return info.st_mode & 0o7777
    }

    /// Replaces `destination` with `source` atomically and makes the change durable.
    static func replace(_ destination: String, with source: String, folder: String) throws {
        guard rename(source, destination) == 0 else {
            throw Failure(description: "cannot rename \(source) to \(destination): \(errnoText())")
        }
        try syncDirectory(folder)
    }

    /// fsyncs a folder, so that files created or renamed in it survive a crash.
    static func syncDirectory(_ path: String) throws {
        let fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(description: "cannot open \(path): \(errnoText())") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw Failure(description: "cannot sync \(path): \(errnoText())") }
    }

    /// Appends `bytes` to `path` (created with `mode` if missing) and fsyncs it; a new file's
    /// folder is synced too. A file that does not end in `\n` (a line torn by a power cut or a
    /// full disk) is first cut back to its last `\n`, and an append that fails (a full disk) is
    /// undone, so that the file only ever holds whole lines.
    static func appendDurably(_ path: String, bytes: [UInt8], mode: mode_t) throws {
        let existed = exists(path)
        let fd = open(path, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, mode)
        guard fd >= 0 else { throw Failure(description: "cannot open \(path): \(errnoText())") }
        defer { close(fd) }
        let start = try cutTornLine(fd, path)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            guard written > 0 else {
                let reason = errnoText()
                _ = ftruncate(fd, start)
                throw Failure(description: "cannot write \(path): \(reason)")
            }
            offset += written
        }
        guard fsync(fd) == 0 else {
            let reason = errnoText()
            _ = ftruncate(fd, start)
            throw Failure(description: "cannot sync \(path): \(reason)")
        }
        if !existed {
            let folder = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
            try syncDirectory(folder.isEmpty ? "/" : folder)
        }
    }

    /// Cuts the file open as `fd` back to just after its last `\n` when it ends inside a line;
    /// returns its size afterwards.
    private static func cutTornLine(_ fd: Int32, _ path: String) throws -> off_t {
        let size = lseek(fd, 0, SEEK_END)
        guard size > 0 else { return max(size, 0) }
        var last: UInt8 = 0
        guard pread(fd, &last, 1, size - 1) == 1 else {
            throw Failure(description: "cannot read \(path): \(errnoText())")
        }
        if last == 0x0A { return size }
        var end = size
        var chunk = [UInt8](repeating: 0, count: 4_096)
        while end > 0 {
            let from = max(0, end - off_t(chunk.count))
            let count = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, Int(end - from), from) }
            guard count == Int(end - from) else { throw Failure(description: "cannot read \(path): \(errnoText())") }
            if let newline = chunk[..<count].lastIndex(of: 0x0A) {
                end = from + off_t(newline) + 1
                break
            }
            end = from
        }
        guard ftruncate(fd, end) == 0 else { throw Failure(description: "cannot cut \(path): \(errnoText())") }
        return end
    }

    /// Takes the data folder's daemon lock (`daemon.lock`, flock) without waiting; nil when a
    /// daemon holds it. The lock lasts until the returned descriptor is closed.
    static func tryLockDaemon(_ directory: DataDirectory) throws -> Int32? {
        let path = directory.root + "/daemon.lock"
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(description: "cannot open \(path): \(errnoText())") }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }
}
