import HTTPTypes
import Hummingbird

/// Cross-site request forgery defence for the browser's session cookie.
/// SameSite=Strict ignores ports, so another web application on the same
/// host could post to us with the cookie attached; a browser always names
/// the page's origin on such a request (and on every WebSocket upgrade), so
/// a cookie-authenticated change is accepted only when that origin is this
/// server. Bearer tokens are not sent by browsers on their own and need no check.
enum OriginCheck {
    /// Whether `request` comes from a page of this server (or from no
    /// browser page at all, when `requireOrigin` is false).
    static func isSameOrigin(_ request: Request, requireOrigin: Bool) -> Bool {
        guard let origin = request.headers[.origin] else {
            // Chromium marks even requests without Origin; anything else without it is no browser page.
            if let site = request.headers[secFetchSite] { return site == "same-origin" || site == "none" }
            return !requireOrigin
        }
        guard let originAuthority = authority(ofOrigin: origin) else { return false }
        let hosts = [request.head.authority, request.headers[forwardedHost]].compactMap { $0 }
        return hosts.contains { normalized($0, scheme: originAuthority.scheme) == originAuthority.hostPort }
    }

    static let secFetchSite = HTTPField.Name("Sec-Fetch-Site")!
    static let forwardedHost = HTTPField.Name("X-Forwarded-Host")!

    /// `https://pbx.example.com` → ("https", "pbx.example.com:443").
    static func authority(ofOrigin origin: String) -> (scheme: String, hostPort: String)? {
        guard let separator = origin.range(of: "://") else { return nil }
        let scheme = origin[..<separator.lowerBound].lowercased()
        guard scheme == "http" || scheme == "https" else { return nil }
        let rest = origin[separator.upperBound...]
        guard !rest.isEmpty, !rest.contains("/") else { return nil }
        return (scheme, normalized(String(rest), scheme: scheme))
    }

    /// Lower-cased host with its port, the scheme's default port filled in.
    static func normalized(_ hostPort: String, scheme: String) -> String {
        let text = hostPort.lowercased()
        let hasPort: Bool
        if text.hasPrefix("[") {
            hasPort = text.range(of: "]:") != nil
        } else {
            hasPort = text.contains(":")
        }
        return hasPort ? text : text + ":" + (scheme == "https" ? "443" : "80")
    }
}
