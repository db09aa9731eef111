import Foundation
import CallCenter

/// Builds `/api/openapi.json` from the route table.
enum OpenAPIDocument {
    static let components: [(String, Schema)] = [
        ("Error", ErrorSchema.schema),
        ("User", UserBody.schema),
        ("Me", MeBody.schema),
        ("Department", DepartmentBody.schema),
        ("Role", Role.schema),
        ("CustomerField", CustomerField.schema),
        ("FollowUpStatus", FollowUpStatus.schema),
        ("AuditEntry", AuditBody.schema),
        ("Extension", ExtensionBody.schema),
        ("BlockedAddress", BlockedBody.schema),
        ("Customer", CustomerBody.schema),
        ("CustomerTransfer", TransferRecordBody.schema),
        ("FollowUp", FollowUpBody.schema),
        ("Appointment", AppointmentBody.schema),
        ("MarkedCustomer", MarkedBody.schema),
        ("BlacklistEntry", BlacklistBody.schema),
        ("DataPackage", DataPackageBody.schema),
        ("PackageRow", PackageRowBody.schema),
        ("CallRecord", CallRecordBody.schema),
    ]

    static func build(endpoints: [Endpoint], version: String) -> String {
        var paths: [(String, [(String, JSONValue)])] = []
        for endpoint in endpoints {
            let operation = self.operation(endpoint)
            if let index = paths.firstIndex(where: { $0.0 == endpoint.path }) {
                paths[index].1.append((endpoint.method.rawValue.lowercased(), operation))
            } else {
                paths.append((endpoint.path, [(endpoint.method.rawValue.lowercased(), operation)]))
            }
        }
        let document: JSONValue = .object([
            ("openapi", "3.0.3"),
            ("info", .object([
                ("title", "Hotline API"),
                ("version", .string(version)),
                ("description", "The HTTP API of Hotline, the all-in-one IP call center. Errors answer {\"error\":{\"code\",\"message\",\"field\"}}."),
            ])),
            ("servers", .array([.object([("url", "/")])])),
            ("paths", .object(paths.map { ($0.0, .object($0.1)) })),
            ("components", .object([
                ("schemas", .object(components.map { ($0.0, $0.1.json) })),
                ("securitySchemes", .object([
                    ("bearer", .object([("type", "http"), ("scheme", "bearer")])),
                    ("cookie", .object([("type", "apiKey"), ("in", "cookie"), ("name", .string(Credentials.cookieName))])),
                ])),
            ])),
        ])
        return document.serialized()
    }

    private static func operation(_ endpoint: Endpoint) -> JSONValue {
        var op: [(String, JSONValue)] = [
            ("operationId", .string(operationId(endpoint))),
            ("summary", .string(endpoint.summary)),
            ("tags", .array([.string(endpoint.tag)])),
        ]
        switch endpoint.access {
        case .anonymous:
            op.append(("security", .array([])))
        case .signedIn, .signedInAllowingPasswordChange:
            op.append(("security", securityRequirement))
        case .permission(let permission):
            op.append(("security", securityRequirement))
            op.append(("x-permission", .string(permission.key)))
        case .anyPermission(let permission, let also):
            op.append(("security", securityRequirement))
            op.append(("x-permission", .string(permission.key)))
            op.append(("x-also-permitted-by", .array(also.map { .string($0.key) })))
        }
        var parameters: [JSONValue] = endpoint.pathParameters.map { name in
            .object([("name", .string(name)), ("in", "path"), ("required", true), ("schema", endpoint.pathParameterSchema.json)])
        }
        parameters += endpoint.query.map { parameter in
            .object([("name", .string(parameter.name)), ("in", "query"), ("required", false), ("description", .string(parameter.description)), ("schema", parameter.schema.json)])
        }
        if !parameters.isEmpty { op.append(("parameters", .array(parameters))) }
        if let request = endpoint.request {
            op.append(("requestBody", .object([
                ("required", true),
                ("content", .object(endpoint.requestContentTypes.map { ($0, .object([("schema", request.json)])) })),
            ])))
        }
        var responses: [(String, JSONValue)] = []
        var success: [(String, JSONValue)] = [("description", "Success")]
        if let response = endpoint.response {
            success.append(("content", .object([(endpoint.responseContentType, .object([("schema", response.json)]))])))
        }
        responses.append((String(endpoint.status), .object(success)))
        let errorContent: JSONValue = .object([("application/json", .object([("schema", Schema.ref("Error").json)]))])
        var errors: [(Int, String)] = []
        if endpoint.request != nil || !endpoint.query.isEmpty { errors.append((400, "Malformed input")) }
        switch endpoint.access {
        case .anonymous: break
        case .signedIn, .signedInAllowingPasswordChange: errors.append((401, "Not signed in"))
        case .permission, .anyPermission: errors += [(401, "Not signed in"), (403, "Permission, data scope or password change required")]
        }
        if !endpoint.pathParameters.isEmpty { errors.append((404, "No such object")) }
        if endpoint.method != .get { errors.append((409, "Conflicts with stored data")) }
        if endpoint.path == "/api/v1/auth/login" { errors.append((429, "Too many failed attempts")) }
        for (status, description) in errors {
            responses.append((String(status), .object([("description", .string(description)), ("content", errorContent)])))
        }
        op.append(("responses", .object(responses)))
        return .object(op)
    }

    private static var securityRequirement: JSONValue {
        .array([.object([("bearer", .array([]))]), .object([("cookie", .array([]))])])
    }

    private static func operationId(_ endpoint: Endpoint) -> String {
        let words = endpoint.path.replacingOccurrences(of: "/api/v1/", with: "").split(whereSeparator: { "/-{}".contains($0) }).filter { !$0.isEmpty }
        let camel = words.map { $0.prefix(1).uppercased() + $0.dropFirst() }.joined()
        return endpoint.method.rawValue.lowercased() + camel
    }
}
