import Glibc

/// Size and modification time of a partition file and its WAL: when both are unchanged, the
/// partition has no new blocks.
struct FileStamp: Hashable {
    private var files: [Int64] = []

    init(_ path: String) {
        for file in [path, path + "-wal"] {
            var info = stat()
            if stat(file, &info) == 0 {
                files += [Int64(info.st_size), Int64(info.st_mtim.tv_sec), Int64(info.st_mtim.tv_nsec)]
            } else {
                files += [-1, 0, 0]
            }
        }
    }

    /// Whether both files were last modified before `micros`.
    func modifiedBefore(_ micros: Int64) -> Bool {
        stride(from: 0, to: files.count, by: 3).allSatisfy {
            files[$0 + 1] * 1_000_000 + files[$0 + 2] / 1_000 < micros
        }
    }
}
