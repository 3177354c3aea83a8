import Foundation
import HTTPTypes
import Hummingbird
import NIOCore

/// JSON responses of the API, with headers that keep them out of caches and out of content sniffing.
enum JSONResponse {
    static func make(_ status: HTTPResponse.Status, _ bytes: [UInt8], extra: HTTPFields = [:]) -> Response {
        var headers: HTTPFields = [
            .contentType: "application/json; charset=utf-8", .cacheControl: "no-store",
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
        ]
        headers.append(contentsOf: extra)
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    static func make(_ status: HTTPResponse.Status, object: Any) -> Response {
        let data = (try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys])) ?? Data("{}".utf8)
        return make(status, Array(data))
    }

    /// `{"error": code}` with an optional message; messages never carry event data or tokens.
    static func error(_ status: HTTPResponse.Status, _ code: String, _ message: String? = nil, extra: HTTPFields = [:])
        -> Response
    {
        var bytes = Array(#"{"error":"#.utf8)
        bytes += Array("\"\(code)\"".utf8)
        if let message {
            bytes += Array(#","message":"#.utf8)
            appendString(message, to: &bytes)
        }
        bytes.append(UInt8(ascii: "}"))
        return make(status, bytes, extra: extra)
    }

    static func appendString(_ text: String, to bytes: inout [UInt8]) {
        let data = (try? JSONSerialization.data(withJSONObject: [text], options: [])) ?? Data("[\"\"]".utf8)
        bytes += Array(data.dropFirst().dropLast())
    }
}
