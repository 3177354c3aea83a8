import Glibc

extension DataDirectory {
    /// Bytes available to this (unprivileged) process on the folder's file system, from
    /// `statvfs`; nil when the folder cannot be examined.
    public func availableBytes() -> Int64? {
        var info = statvfs()
        guard statvfs(root, &info) == 0 else { return nil }
        return Int64(info.f_bavail) * Int64(info.f_frsize)
    }
}
