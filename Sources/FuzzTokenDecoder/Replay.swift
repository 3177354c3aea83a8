#if !JWTAUDIT_FUZZING
import Foundation

/// The main of a normal build (Fuzz/run builds with `-DJWTAUDIT_FUZZING`, and libFuzzer brings
/// its own): replays each file named, and each file in each folder named, once through the fuzz
/// target, so a reproducer can be checked without the fuzzer. A failed check traps.
@main
enum Replay {
    static func main() {
        do {
            print("replayed \(try replay(CommandLine.arguments.dropFirst())) inputs")
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(2)
        }
    }

    /// Runs every file once through the target; returns how many.
    static func replay(_ paths: ArraySlice<String>) throws -> Int {
        var replayed = 0
        for path in paths {
            var isFolder: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) else {
                throw CocoaError(.fileNoSuchFile, userInfo: [NSFilePathErrorKey: path])
            }
            let files =
                isFolder.boolValue
                ? try FileManager.default.contentsOfDirectory(atPath: path).sorted().map { path + "/" + $0 }
                : [path]
            for file in files {
                let data = try Data(contentsOf: URL(fileURLWithPath: file))
                _ = data.withUnsafeBytes { bytes in
                    fuzzTokenDecoder(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
                }
                replayed += 1
            }
        }
        return replayed
    }
}
#endif
