import CallCenter
import Hummingbird

/// Who may call an endpoint.
enum Access: Sendable {
    /// Anyone, signed in or not (login, logo, health).
    case anonymous
    /// Any signed-in user, even one who still has to change a temporary password.
    case signedInAllowingPasswordChange
    /// Any signed-in user with a settled password.
    case signedIn
    /// A signed-in user whose roles grant this permission.
    case permission(Permission)
    /// A signed-in user with the first permission or any of `also` (reads
    /// that several menus need, e.g. the field configuration for the CRM).
    case anyPermission(Permission, also: [Permission])
}

struct QueryParameter: Sendable {
    let name: String
    let schema: Schema
    let description: String
}

/// One `/api/v1` route with everything the OpenAPI document and the
/// authorization wrapper need to know about it.
package struct Endpoint: Sendable {
    let method: HTTPRequest.Method
    let path: String
    let access: Access
    let summary: String
    let tag: String
    var request: Schema? = nil
    var requestContentTypes: [String] = ["application/json"]
    var response: Schema? = nil
    var responseContentType: String = "application/json"
    var status: Int = 200
    var query: [QueryParameter] = []
    /// The type of the path parameters (ids are integers; a few routes take text).
    var pathParameterSchema: Schema = .integer

    /// Path parameters in `{name}` form.
    var pathParameters: [String] {
        path.split(separator: "/").compactMap { part in
            part.hasPrefix("{") && part.hasSuffix("}") ? String(part.dropFirst().dropLast()) : nil
        }
    }

    static let listQuery: [QueryParameter] = [
        QueryParameter(name: "q", schema: .string(), description: "Free-text search"),
        QueryParameter(name: "page", schema: .integer, description: "1-based page number"),
        QueryParameter(name: "pageSize", schema: .integer, description: "Rows per page, 1–500 (default 20)"),
        QueryParameter(name: "sort", schema: .string(), description: "Column to sort by; a leading - sorts descending"),
    ]
}
