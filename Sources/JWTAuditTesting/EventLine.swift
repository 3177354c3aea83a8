import Foundation

/// Builds event lines as a service would send them.
public enum EventLine {
    /// A `validate` event line (with newline). `extra` holds further fields as raw JSON members.
    public static func validate(
        ts: String = "2026-11-29T10:00:00Z", service: String = "payments", outcome: String = "accepted",
        reason: String? = nil, sub: String? = "user-1", jti: String? = nil, clientIP: String? = "192.0.2.10",
        seq: Int? = nil, extra: [String] = []
    ) -> String {
        var members = ["\"v\":1", "\"ts\":\"\(ts)\"", "\"service\":\"\(service)\"", "\"outcome\":\"\(outcome)\""]
        if let reason { members.append("\"reason\":\"\(reason)\"") }
        if let sub { members.append("\"sub\":\"\(sub)\"") }
        if let jti { members.append("\"jti\":\"\(jti)\"") }
        if let clientIP { members.append("\"client_ip\":\"\(clientIP)\"") }
        if let seq { members.append("\"seq\":\(seq)") }
        members.append(contentsOf: extra)
        return "{" + members.joined(separator: ",") + "}\n"
    }

    /// An unsigned-looking JWT with the given claims JSON (header `{"alg":"RS256","kid":"k1"}`),
    /// and a fake signature segment.
    public static func token(claims: String, header: String = "{\"alg\":\"RS256\",\"kid\":\"k1\",\"typ\":\"JWT\"}")
        -> String
    {
        func segment(_ text: String) -> String {
            Data(text.utf8).base64EncodedString()
                .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
                .replacingOccurrences(of: "=", with: "")
        }
        return segment(header) + "." + segment(claims) + ".c2lnbmF0dXJlLWJ5dGVzLXRoYXQtYXJlLW5vdC1jaGVja2Vk"
    }
}
