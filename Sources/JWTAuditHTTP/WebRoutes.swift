import HTTPTypes
import Hummingbird
import NIOCore

/// The triage page (docs/web.md): `GET /` and `/ui` (with or without the slash) serve the HTML,
/// `/ui/app.js` and `/ui/app.css` its script and style, all from the binary. They need no token: the page signs in through the API.
enum WebRoutes {
    /// The Content-Security-Policy of every page asset: nothing inline, nothing from elsewhere.
    static let contentSecurityPolicy =
        "default-src 'none'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self'; "
        + "base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

    static func add(to router: Router<APIRequestContext>) {
        let page = response(WebPage.html, type: "text/html; charset=utf-8")
        let script = response(WebScript.javascript, type: "text/javascript; charset=utf-8")
        let style = response(WebStyle.css, type: "text/css; charset=utf-8")
        router.get("/") { _, _ in page }
        router.get("/ui") { _, _ in page }
        router.get("/ui/app.js") { _, _ in script }
        router.get("/ui/app.css") { _, _ in style }
    }

    static func response(_ text: String, type: String) -> Response {
        let headers: HTTPFields = [
            .contentType: type, .cacheControl: "no-store",
            .contentSecurityPolicy: contentSecurityPolicy,
            HTTPField.Name("X-Content-Type-Options")!: "nosniff",
            HTTPField.Name("Referrer-Policy")!: "no-referrer",
            HTTPField.Name("X-Frame-Options")!: "DENY",
            HTTPField.Name("Cross-Origin-Opener-Policy")!: "same-origin",
            HTTPField.Name("Cross-Origin-Resource-Policy")!: "same-origin",
        ]
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }
}
