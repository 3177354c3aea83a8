import CZlib
import NIOConcurrencyHelpers

/// zlib (RFC 1950) compression of byte buffers.
///
/// Output carries zlib's header and Adler-32 trailer, so damaged data is detected on the way
/// back. ``decompress(_:expectedSize:maxOutputBytes:)`` never produces more than a hard cap, so a
/// small hostile input cannot make it allocate gigabytes (a decompression bomb).
public enum Deflate {
    /// The most that ``decompress(_:expectedSize:maxOutputBytes:)`` produces unless told
    /// otherwise: 256 MiB.
    public static let defaultMaxOutputBytes = 256 << 20

    /// The most a deflate stream can expand (a run of one byte): about 1032 to 1, plus headers.
    static func maxExpansion(ofCompressedSize size: Int) -> Int {
        let (product, overflow) = size.multipliedReportingOverflow(by: 1032)
        return overflow ? Int.max : product &+ 1024
    }

    /// Compresses `bytes` into a zlib stream.
    ///
    /// - Parameter level: zlib level, 0 (store) to 9 (smallest), or -1 for zlib's default (6).
    public static func compress(_ bytes: UnsafeRawBufferPointer, level: Int32) -> [UInt8] {
        precondition((-1...9).contains(level), "zlib level must be -1...9")
        precondition(bytes.count <= Int(UInt32.max), "input above 4 GiB")
        let stream = DeflateStreamCache.take(level: level)
        defer { DeflateStreamCache.give(stream) }
        let bound = Int(deflateBound(stream.pointer, uLong(bytes.count)))
        var input: UInt8 = 0
        return withUnsafeMutablePointer(to: &input) { placeholder in
            [UInt8](unsafeUninitializedCapacity: bound) { out, initialized in
                let z = stream.pointer
                z.pointee.next_in =
                    bytes.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
                    ?? placeholder
                z.pointee.avail_in = uInt(bytes.count)
                z.pointee.next_out = out.baseAddress!
                z.pointee.avail_out = uInt(out.count)
                let rc = deflate(z, Z_FINISH)
                // The output holds deflateBound bytes, so one call with Z_FINISH always ends the stream.
                precondition(rc == Z_STREAM_END, "deflate did not finish (\(rc))")
                initialized = out.count - Int(z.pointee.avail_out)
            }
        }
    }

    /// How zlib looks for repeats in one part of a multi-part stream.
    enum Strategy: Equatable {
        /// zlib's default: LZ77 matches at any distance, then Huffman coding.
        case standard
        /// `Z_RLE`: only runs (matches at distance 1), then Huffman coding. Several times faster,
        /// and as small for columns of small codes and for identifiers.
        case runLength

        var raw: Int32 { self == .standard ? Z_DEFAULT_STRATEGY : Z_RLE }
    }

    /// Compresses the concatenation of `parts` into one zlib stream, ending a deflate block
    /// (`Z_BLOCK`) after each part, so each part gets Huffman codes of its own and may use its
    /// own strategy. A reader sees an ordinary zlib stream.
    static func compress(parts: [(bytes: [UInt8], strategy: Strategy)], level: Int32) -> [UInt8] {
        precondition((-1...9).contains(level), "zlib level must be -1...9")
        let total = parts.reduce(0) { $0 + $1.bytes.count }
        precondition(total <= Int(UInt32.max), "input above 4 GiB")
        let stream = DeflateStreamCache.take(level: level)
        defer { DeflateStreamCache.give(stream) }
        let z = stream.pointer
        var strategy = Strategy.standard
        // Each part may add a block header and a few bytes of padding.
        var output = [UInt8](repeating: 0, count: Int(deflateBound(z, uLong(total))) + 16 * parts.count + 64)
        var produced = 0

        /// Calls `body` with the output space left, doubling the buffer when it is full.
        func withOutputSpace(_ body: () -> Int32) -> Int32 {
            if produced == output.count { output.append(contentsOf: repeatElement(0, count: output.count)) }
            return output.withUnsafeMutableBufferPointer { out in
                z.pointee.next_out = out.baseAddress! + produced
                z.pointee.avail_out = uInt(out.count - produced)
                let rc = body()
                produced = out.count - Int(z.pointee.avail_out)
                return rc
            }
        }

        /// Feeds `input` with `mode` until zlib has taken all of it (and, for Z_FINISH, ended the
        /// stream). zlib always progresses while it has output space, which it always gets here.
        func feed(_ input: UnsafeBufferPointer<UInt8>, _ mode: Int32) {
            z.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            z.pointee.avail_in = uInt(input.count)
            while true {
                let before = (produced, z.pointee.avail_in)
                let rc = withOutputSpace { deflate(z, mode) }
                if rc == Z_STREAM_END { return }
                precondition(rc == Z_OK || rc == Z_BUF_ERROR, "deflate failed (\(rc))")
                // A part is done once zlib took all of it and had output space left over.
                if mode != Z_FINISH && z.pointee.avail_in == 0 && produced < output.count { return }
                precondition(before != (produced, z.pointee.avail_in) || produced == output.count, "deflate stalled")
            }
        }

        let filled = parts.indices.filter { !parts[$0].bytes.isEmpty }
        if filled.isEmpty { feed(UnsafeBufferPointer(start: nil, count: 0), Z_FINISH) }
        for (position, index) in filled.enumerated() {
            if parts[index].strategy != strategy {
                strategy = parts[index].strategy
                // The previous part ended with a completed Z_BLOCK flush, so the change applies at
                // once (a Z_BUF_ERROR would only mean too little output space).
                var rc = Z_BUF_ERROR
                for _ in 0..<8 where rc == Z_BUF_ERROR {
                    rc = withOutputSpace { deflateParams(z, level, strategy.raw) }
                }
                precondition(rc == Z_OK, "deflateParams failed (\(rc))")
            }
            parts[index].bytes.withUnsafeBufferPointer { feed($0, position + 1 == filled.count ? Z_FINISH : Z_BLOCK) }
        }
        output.removeSubrange(produced...)
        return output
    }

    /// Compresses `bytes` into a zlib stream.
    public static func compress(_ bytes: [UInt8], level: Int32) -> [UInt8] {
        bytes.withUnsafeBytes { compress($0, level: level) }
    }

    /// Decompresses one complete zlib stream.
    ///
    /// - Parameters:
    ///   - expectedSize: the exact decompressed size, when the caller knows it (a block header
    ///     does): anything else is an error, and the output is allocated once.
    ///   - maxOutputBytes: a hard cap on the output; a stream that expands beyond it is refused.
    /// - Throws: ``DeflateError`` for a damaged, truncated or oversized stream, or bytes after it.
    public static func decompress(
        _ bytes: UnsafeRawBufferPointer, expectedSize: Int?, maxOutputBytes: Int = defaultMaxOutputBytes
    ) throws(DeflateError) -> [UInt8] {
        guard bytes.count <= Int(UInt32.max) else { throw DeflateError(.outputTooLarge, detail: "input above 4 GiB") }
        let stream = ZStream()
        let rc = jwtaudit_inflate_init(stream.pointer)
        guard rc == Z_OK else { throw DeflateError(.zlibFailure, detail: "inflateInit returned \(rc)") }
        defer { inflateEnd(stream.pointer) }
        var placeholder: UInt8 = 0
        return try withUnsafeMutablePointer(to: &placeholder) { (placeholder) throws(DeflateError) -> [UInt8] in
            let z = stream.pointer
            z.pointee.next_in =
                bytes.baseAddress.map { UnsafeMutablePointer(mutating: $0.assumingMemoryBound(to: Bytef.self)) }
                ?? placeholder
            z.pointee.avail_in = uInt(bytes.count)
            if let expectedSize {
                guard expectedSize >= 0 else { throw DeflateError(.sizeMismatch, detail: "negative size") }
                guard expectedSize <= maxOutputBytes else { throw DeflateError(.outputTooLarge) }
                guard expectedSize <= maxExpansion(ofCompressedSize: bytes.count) else {
                    throw DeflateError(.sizeMismatch, detail: "declared size impossible for the input")
                }
                return try inflateExact(z, size: expectedSize)
            }
            return try inflateGrowing(z, cap: maxOutputBytes, inputSize: bytes.count)
        }
    }

    /// Decompresses one complete zlib stream.
    public static func decompress(
        _ bytes: [UInt8], expectedSize: Int?, maxOutputBytes: Int = defaultMaxOutputBytes
    ) throws(DeflateError) -> [UInt8] {
        try bytes.withUnsafeBytes { raw in
            Result { () throws(DeflateError) -> [UInt8] in
                try decompress(raw, expectedSize: expectedSize, maxOutputBytes: maxOutputBytes)
            }
        }.get()
    }

    /// Inflates into a buffer of `size + 1` bytes: filling the spare byte means the stream is
    /// longer than declared.
    private static func inflateExact(_ z: UnsafeMutablePointer<z_stream>, size: Int) throws(DeflateError) -> [UInt8] {
        var failure: DeflateError?
        let output = [UInt8](unsafeUninitializedCapacity: size + 1) { out, initialized in
            z.pointee.next_out = out.baseAddress!
            z.pointee.avail_out = uInt(size + 1)
            while true {
                let rc = inflate(z, Z_FINISH)
                let produced = size + 1 - Int(z.pointee.avail_out)
                if produced > size {
                    failure = DeflateError(.sizeMismatch, detail: "stream longer than declared")
                    return
                }
                if rc == Z_STREAM_END {
                    if produced != size {
                        failure = DeflateError(.sizeMismatch, detail: "stream shorter than declared")
                    } else if z.pointee.avail_in != 0 {
                        failure = DeflateError(.trailingData)
                    }
                    initialized = produced
                    return
                }
                if rc == Z_OK { continue }
                failure = error(for: rc, z)
                return
            }
        }
        if let failure { throw failure }
        return output
    }

    /// Inflates into a doubling buffer, refusing to produce more than `cap` bytes.
    private static func inflateGrowing(
        _ z: UnsafeMutablePointer<z_stream>, cap: Int, inputSize: Int
    ) throws(DeflateError) -> [UInt8] {
        let hardCap = max(0, cap)
        var output = [UInt8](repeating: 0, count: min(max(4096, inputSize &* 4), hardCap &+ 1))
        var produced = 0
        while true {
            if produced == output.count {
                guard output.count <= hardCap else { throw DeflateError(.outputTooLarge) }
                let grown = min(output.count &* 2, hardCap &+ 1)
                output.append(contentsOf: repeatElement(0, count: grown - output.count))
            }
            let given = min(output.count - produced, Int(UInt32.max))
            let rc = output.withUnsafeMutableBufferPointer { out in
                z.pointee.next_out = out.baseAddress! + produced
                z.pointee.avail_out = uInt(given)
                return inflate(z, Z_NO_FLUSH)
            }
            produced += given - Int(z.pointee.avail_out)
            if produced > hardCap { throw DeflateError(.outputTooLarge) }
            switch rc {
            case Z_STREAM_END:
                guard z.pointee.avail_in == 0 else { throw DeflateError(.trailingData) }
                output.removeSubrange(produced...)
                return output
            case Z_OK:
                continue
            case Z_BUF_ERROR where z.pointee.avail_out == 0:
                continue
            default:
                throw error(for: rc, z)
            }
        }
    }

    private static func error(for rc: Int32, _ z: UnsafeMutablePointer<z_stream>) -> DeflateError {
        let message = z.pointee.msg.map { String(cString: $0) }
        switch rc {
        case Z_BUF_ERROR where z.pointee.avail_in == 0:
            return DeflateError(.truncated)
        case Z_BUF_ERROR:
            return DeflateError(.sizeMismatch, detail: "stream longer than declared")
        case Z_DATA_ERROR:
            return DeflateError(.corruptData, detail: message)
        case Z_NEED_DICT:
            return DeflateError(.corruptData, detail: "stream asks for a preset dictionary")
        case Z_MEM_ERROR:
            return DeflateError(.zlibFailure, detail: "out of memory")
        default:
            return DeflateError(.zlibFailure, detail: message ?? "zlib returned \(rc)")
        }
    }
}

/// Deflate streams kept for reuse: setting one up costs zlib about 256 KiB of fresh memory (tens
/// of microseconds of page faults per block); `deflateReset` keeps it.
enum DeflateStreamCache {
    /// A deflate stream, used by one caller at a time (taken from and given back to the cache).
    final class Stream: @unchecked Sendable {
        let pointer: UnsafeMutablePointer<z_stream>

        init(level: Int32) {
            pointer = .allocate(capacity: 1)
            pointer.initialize(to: z_stream())
            let rc = jwtaudit_deflate_init(pointer, level)
            precondition(rc == Z_OK, "deflateInit failed (\(rc)): out of memory")
        }

        deinit {
            deflateEnd(pointer)
            pointer.deinitialize(count: 1)
            pointer.deallocate()
        }
    }

    /// At most this many idle streams are kept (one per core is enough).
    static let capacity = 4
    private static let idle = NIOLockedValueBox<[Stream]>([])

    /// A stream ready for a new zlib stream at `level` with the default strategy.
    static func take(level: Int32) -> Stream {
        guard let stream = idle.withLockedValue({ $0.popLast() }) else { return Stream(level: level) }
        // After a reset nothing is pending, so new parameters apply at once.
        precondition(deflateReset(stream.pointer) == Z_OK, "deflateReset failed")
        precondition(deflateParams(stream.pointer, level, Z_DEFAULT_STRATEGY) == Z_OK, "deflateParams failed")
        return stream
    }

    static func give(_ stream: Stream) {
        // Drop the caller's buffers from the stream before it waits in the cache.
        stream.pointer.pointee.next_in = nil
        stream.pointer.pointee.next_out = nil
        stream.pointer.pointee.avail_in = 0
        stream.pointer.pointee.avail_out = 0
        idle.withLockedValue { idle in
            if idle.count < capacity { idle.append(stream) }
        }
    }
}

/// A heap-allocated `z_stream`: zlib keeps a pointer back to the stream in its state, so the
/// stream must not move between calls.
private final class ZStream {
    let pointer: UnsafeMutablePointer<z_stream>

    init() {
        pointer = .allocate(capacity: 1)
        pointer.initialize(to: z_stream())
    }

    deinit {
        pointer.deinitialize(count: 1)
        pointer.deallocate()
    }
}
