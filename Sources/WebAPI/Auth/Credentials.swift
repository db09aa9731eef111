import Foundation
import Hummingbird

/// Where a request's session token comes from: the bearer header first,
/// then the browser's cookie.
enum Credentials {
    static let cookieName = "hotline_session"

    /// Where the token came from: a browser's cookie is sent on its own, so
    /// changes made with it must come from our own pages (`OriginCheck`).
    enum Source { case bearer, cookie }

    static func token(in request: Request) -> String? { credential(in: request)?.token }

    static func credential(in request: Request) -> (token: String, source: Source)? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = parts[1].trimmingCharacters(in: .whitespaces)
                return token.isEmpty || token.count > 256 ? nil : (token, .bearer)
            }
            return nil
        }
        guard let value = request.cookies[cookieName]?.value, !value.isEmpty, value.count <= 256 else { return nil }
        return (value, .cookie)
    }

    static func sessionCookie(_ token: String, maxAge: Int) -> String {
        "\(cookieName)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
    }

    static var clearedCookie: String {
        "\(cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
    }
}
