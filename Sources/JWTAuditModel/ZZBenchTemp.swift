// TEMPORARY: benchmark probes, to be deleted.
public enum ZZBenchProbe {
    public static func utf8(_ line: UnsafeRawBufferPointer) -> Bool {
        UTF8Validation.firstInvalidByte(line.baseAddress!.assumingMemoryBound(to: UInt8.self), count: line.count) == nil
    }
    public static func skip(_ line: UnsafeRawBufferPointer) -> Bool {
        var s = JSONScanner(base: line.baseAddress!.assumingMemoryBound(to: UInt8.self), count: line.count)
        do throws(EventRejection) { try s.skipValue(); return true } catch { return false }
    }
    public static func parseOnly(_ line: UnsafeRawBufferPointer) -> Int {
        var p = EventLineParser(scanner: JSONScanner(base: line.baseAddress!.assumingMemoryBound(to: UInt8.self), count: line.count), limits: EventLimits())
        do throws(EventRejection) { try p.parseObject(); return try p.finish(fingerprinter: nil).service.utf8.count } catch { return 0 }
    }
}
