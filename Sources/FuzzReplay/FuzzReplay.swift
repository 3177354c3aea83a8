import Foundation

/// The main of a fuzz target's normal build (Fuzz/run builds with `-DJWTAUDIT_FUZZING`, and
/// libFuzzer brings its own): replays each file named, and each file in each folder named, once
/// through the target, so a reproducer can be checked without the fuzzer. A failed check traps.
public enum FuzzReplay {
    /// A libFuzzer entry point: `LLVMFuzzerTestOneInput`.
    public typealias Target = (UnsafePointer<UInt8>?, Int) -> CInt

    /// Replays the files named on the command line through `target`; exits 2 on an unreadable path.
    public static func main(_ target: Target) {
        do {
            print("replayed \(try replay(CommandLine.arguments.dropFirst(), through: target)) inputs")
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            exit(2)
        }
    }

    /// Runs every file once through `target`; returns how many.
    public static func replay(_ paths: ArraySlice<String>, through target: Target) throws -> Int {
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
                    target(bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count)
                }
                replayed += 1
            }
        }
        return replayed
    }
}
