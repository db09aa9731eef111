import Foundation
import Hummingbird

/// Where a request's session token comes from: the bearer header first,
/// then the browser's cookie.
enum Credentials {
    static let cookieName = "hotline_session"

    static func token(in request: Request) -> String? {
        if let header = request.headers[.authorization] {
            let parts = header.split(separator: " ", maxSplits: 1)
            if parts.count == 2, parts[0].lowercased() == "bearer" {
                let token = parts[1].trimmingCharacters(in: .whitespaces)
                return token.isEmpty || token.count > 256 ? nil : token
            }
            return nil
        }
        guard let value = request.cookies[cookieName]?.value, !value.isEmpty, value.count <= 256 else { return nil }
        return value
    }

    static func sessionCookie(_ token: String, maxAge: Int) -> String {
        "\(cookieName)=\(token); Path=/; Max-Age=\(maxAge); HttpOnly; SameSite=Strict"
    }

    static var clearedCookie: String {
        "\(cookieName)=; Path=/; Max-Age=0; HttpOnly; SameSite=Strict"
    }
}
