import Foundation
import Hummingbird
import HotlineTestSupport
import Testing

/// Every JSON-taking route, found in the OpenAPI document, answers bad
/// bodies with a 4xx and the contract's error body — never a 5xx.
@Suite struct MalformedInputTests {
    struct BodyRoute {
        let method: HTTPRequest.Method
        let path: String
        let properties: [String: [String: Any]]
    }

    static func bodyRoutes(_ document: [String: Any]) -> [BodyRoute] {
        var routes: [BodyRoute] = []
        for (path, methods) in (document["paths"] as? [String: [String: Any]] ?? [:]).sorted(by: { $0.key < $1.key }) {
            for (method, value) in methods {
                let op = value as? [String: Any] ?? [:]
                guard let content = (op["requestBody"] as? [String: Any])?["content"] as? [String: Any],
                    let schema = (content["application/json"] as? [String: Any])?["schema"] as? [String: Any]
                else { continue }
                routes.append(BodyRoute(
                    method: HTTPRequest.Method(rawValue: method.uppercased())!,
                    path: path.replacingOccurrences(of: #"\{[a-zA-Z]+\}"#, with: "1", options: .regularExpression),
                    properties: schema["properties"] as? [String: [String: Any]] ?? [:]
                ))
            }
        }
        return routes
    }

    /// A JSON value of the right type for `schema`.
    static func goodValue(for schema: [String: Any]) -> Any {
        if let values = schema["enum"] as? [String] { return values[0] }
        if schema["format"] as? String == "date-time" { return "2026-01-01T08:00:00Z" }
        switch schema["type"] as? String {
        case "string": return "Valid-Value-1"
        case "integer", "number": return 1
        case "boolean": return true
        case "array": return []
        default: return NSNull()
        }
    }

    /// A JSON value of the wrong type for `schema`.
    static func wrongValue(for schema: [String: Any]) -> Any {
        switch schema["type"] as? String {
        case "string": return 12345
        case "integer", "number": return "not a number"
        case "boolean": return "yes"
        case "array": return ["not": "an array"]
        default: return [1, 2, 3]
        }
    }

    func expectContractError(_ reply: Client.Reply, _ label: String, status expected: HTTPResponse.Status? = nil) {
        #expect(reply.status.code >= 400 && reply.status.code < 500, "\(label): \(reply.status) \(reply.text)")
        if let expected { #expect(reply.status == expected, "\(label): \(reply.status) \(reply.text)") }
        #expect(reply.errorCode != nil, "\(label) has no error body: \(reply.text)")
        let message = (reply.json["error"] as? [String: Any])?["message"] as? String
        #expect(message?.isEmpty == false, "\(label) has no message")
    }

    @Test func everyJSONRouteRejectsMalformedBodiesWithTheErrorBody() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let routes = Self.bodyRoutes(try await client.call(.get, "/api/openapi.json").json)
            #expect(routes.count >= 14)
            let garbage: [(String, String)] = [
                ("not JSON", "{not json"), ("an array", "[1,2,3]"), ("null", "null"), ("a string", "\"text\""),
                ("empty", ""), ("truncated", "{\"name\": "), ("deeply nested", String(repeating: "[", count: 100_000)),
                ("invalid UTF-8", "\u{FFFD}"),
            ]
            for route in routes {
                let label = "\(route.method) \(route.path)"
                for (name, body) in garbage {
                    var bytes = ByteBuffer(string: body)
                    if name == "invalid UTF-8" { bytes = ByteBuffer(bytes: [0x7B, 0x22, 0xFF, 0xFE, 0x22, 0x3A, 0x31, 0x7D]) }
                    let reply = try await client.call(route.method, route.path, token: admin, raw: bytes, headers: [.contentType: "application/json"])
                    expectContractError(reply, "\(label) with \(name)", status: .badRequest)
                }
                for (property, schema) in route.properties {
                    // Everything else valid, so the one wrong field is what the answer names.
                    var body = route.properties.mapValues(Self.goodValue)
                    body[property] = Self.wrongValue(for: schema)
                    let reply = try await client.call(route.method, route.path, token: admin, json: body)
                    expectContractError(reply, "\(label) with \(property) of the wrong type", status: .badRequest)
                    #expect(reply.errorField == property, "\(label): field should be \(property): \(reply.text)")
                }
                let huge = ByteBuffer(string: "{\"name\":\"" + String(repeating: "x", count: 1 << 20) + "\"}")
                let tooLarge = try await client.call(route.method, route.path, token: admin, raw: huge, headers: [.contentType: "application/json"])
                expectContractError(tooLarge, "\(label) with a 1 MiB body", status: .contentTooLarge)
                #expect(tooLarge.errorCode == "payload_too_large")
            }
        }
    }

    @Test func createRoutesNameTheMissingRequiredField() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let cases: [(String, [String: Any], String)] = [
                ("/api/v1/auth/login", ["username": "admin"], "password"),
                ("/api/v1/departments", [:], "name"),
                ("/api/v1/roles", ["permissions": []], "name"),
                ("/api/v1/users", ["name": "x"], "username"),
                ("/api/v1/customer-fields", ["label": "x", "type": "text"], "key"),
                ("/api/v1/follow-up-statuses", ["color": "#ffffff"], "name"),
            ]
            for (path, body, field) in cases {
                let reply = try await client.call(.post, path, token: admin, json: body)
                expectContractError(reply, "POST \(path) without \(field)", status: .badRequest)
                #expect(reply.errorCode == "missing_field", "\(path): \(reply.text)")
                #expect(reply.errorField == field, "\(path): \(reply.text)")
            }
        }
    }

    @Test func badQueryParametersAndIdsAreClientErrors() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            for query in ["page=0", "page=abc", "pageSize=0", "pageSize=501", "sort=name;DROP", "sort=password_hash", "departmentId=-1"] {
                let reply = try await client.call(.get, "/api/v1/users?\(query)", token: admin)
                expectContractError(reply, "users?\(query)", status: .badRequest)
                #expect(reply.errorCode == "invalid_query")
            }
            for id in ["0", "-5", "abc", "99999999999999999999", "1%27%20OR%201=1"] {
                let reply = try await client.call(.get, "/api/v1/users/\(id)", token: admin)
                expectContractError(reply, "users/\(id)", status: .notFound)
            }
            let search = try await client.call(.get, "/api/v1/users?q=%27%20OR%201=1%20--%25_", token: admin)
            #expect(search.status == .ok)
            #expect(search.json["total"] as? Int == 0, "search text is data, never SQL or a wildcard")
            // The call records' filters and ids, on the list, the export and the recordings.
            for (path, query) in [
                ("/api/v1/calls", "direction=up"), ("/api/v1/calls", "disposition=x"), ("/api/v1/calls", "from=monday"),
                ("/api/v1/calls", "number=%27%20OR%201=1"), ("/api/v1/calls/export.xlsx", "to=2026-13-01"),
                ("/api/v1/calls/export.xlsx", "ids=1;2"), ("/api/v1/calls/recordings.zip", ""), ("/api/v1/calls/recordings.zip", "ids=-3"),
                ("/api/v1/calls/1/recording", "download=yes"),
            ] {
                let reply = try await client.call(.get, "\(path)?\(query)", token: admin)
                expectContractError(reply, "\(path)?\(query)", status: .badRequest)
                #expect(reply.errorCode == "invalid_query", "\(path)?\(query): \(reply.text)")
            }
            for id in ["0", "abc", "99999999999999999999"] {
                expectContractError(try await client.call(.get, "/api/v1/calls/\(id)", token: admin), "calls/\(id)", status: .notFound)
                expectContractError(try await client.call(.get, "/api/v1/calls/\(id)/recording", token: admin), "calls/\(id)/recording", status: .notFound)
            }
            let unknownRoute = try await client.call(.get, "/api/v1/nothing-here", token: admin)
            expectContractError(unknownRoute, "unknown route", status: .notFound)
        }
    }
}
