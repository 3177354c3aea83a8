import Foundation

/// Memory fields of `/proc/PID/status` (`VmRSS`, `VmHWM`, ...), in kilobytes.
public enum ProcessStatus {
    /// `field` of process `pid` (this process when nil); nil when it cannot be read.
    public static func kilobytes(_ field: String, pid: Int32? = nil) -> Int? {
        let path = "/proc/\(pid.map(String.init) ?? "self")/status"
        guard let status = try? String(contentsOfFile: path, encoding: .utf8) else { return nil }
        return parseKilobytes(field: field, in: status)
    }

    /// `field:   1234 kB` in a status text, in kilobytes.
    static func parseKilobytes(field: String, in status: String) -> Int? {
        for line in status.split(separator: "\n") where line.hasPrefix(field + ":") {
            let value = line.dropFirst(field.count + 1).split(whereSeparator: { $0 == " " || $0 == "\t" }).first
            return value.flatMap { Int($0) }
        }
        return nil
    }
}
