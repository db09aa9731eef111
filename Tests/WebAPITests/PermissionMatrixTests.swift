import CallCenter
import Foundation
import Hummingbird
import HotlineTestSupport
import Testing
@testable import WebAPI

/// Walks the OpenAPI document the server publishes: every secured
/// operation refuses the anonymous (401) and a signed-in user without its
/// permission (403), each with the contract's error body.
@Suite struct PermissionMatrixTests {
    struct Operation: Sendable {
        let method: HTTPRequest.Method
        let path: String
        let secured: Bool
        let permission: String?
    }

    static func operations(_ document: [String: Any]) -> [Operation] {
        let paths = document["paths"] as? [String: [String: Any]] ?? [:]
        var result: [Operation] = []
        for (path, methods) in paths.sorted(by: { $0.key < $1.key }) {
            for (method, value) in methods {
                let op = value as? [String: Any] ?? [:]
                let security = op["security"] as? [Any] ?? []
                result.append(Operation(
                    method: HTTPRequest.Method(rawValue: method.uppercased())!,
                    path: path.replacingOccurrences(of: #"\{[a-zA-Z]+\}"#, with: "1", options: .regularExpression),
                    secured: !security.isEmpty,
                    permission: op["x-permission"] as? String
                ))
            }
        }
        return result
    }

    @Test func everySecuredOperationAnswers401WithoutASessionAnd403WithoutThePermission() async throws {
        try await TestApp.with { client in
            let documentReply = try await client.call(.get, "/api/openapi.json")
            #expect(documentReply.status == .ok)
            let document = documentReply.json
            #expect(document["openapi"] as? String == "3.0.3")
            let operations = Self.operations(document)
            #expect(operations.count >= 30, "the document lists every /api/v1 route")

            let admin = try await client.token()
            // A signed-in agent whose role grants nothing.
            let (_, agent) = try await client.settledUser(admin: admin, username: "nobody", departmentId: nil, roleIds: [])

            var checkedPermissions = Set<String>()
            for operation in operations {
                let label = "\(operation.method) \(operation.path)"
                if operation.secured {
                    let anonymous = try await client.call(operation.method, operation.path, json: [String: Any]())
                    #expect(anonymous.status == .unauthorized, "\(label) without a session: \(anonymous.status)")
                    #expect(anonymous.errorCode == "unauthenticated", "\(label): \(anonymous.text)")
                    let bogus = try await client.call(operation.method, operation.path, token: "forged-token", json: [String: Any]())
                    #expect(bogus.status == .unauthorized, "\(label) with a forged token")
                }
                if let permission = operation.permission {
                    checkedPermissions.insert(permission)
                    let denied = try await client.call(operation.method, operation.path, token: agent, json: [String: Any]())
                    #expect(denied.status == .forbidden, "\(label) without \(permission): \(denied.status) \(denied.text)")
                    #expect(denied.errorCode == "forbidden", "\(label): \(denied.text)")
                }
            }
            // Every permission in the catalogue guards at least one route.
            #expect(checkedPermissions == Permission.allKeys)
        }
    }

    @Test func eachPermissionOpensItsOwnRoutesAndNoOthers() async throws {
        try await TestApp.with { client in
            let admin = try await client.token()
            let operations = Self.operations(try await client.call(.get, "/api/openapi.json").json)
            let role = try await client.createRole("viewer", permissions: ["org.users.view", "settings.customerFields.view"], scope: "all", token: admin)
            let (_, viewer) = try await client.settledUser(admin: admin, username: "viewer", departmentId: nil, roleIds: [role])
            for operation in operations {
                guard let permission = operation.permission else { continue }
                let reply = try await client.call(operation.method, operation.path, token: viewer, json: [String: Any]())
                if ["org.users.view", "settings.customerFields.view"].contains(permission) {
                    #expect(reply.status != .forbidden, "\(operation.method) \(operation.path) should be allowed: \(reply.text)")
                } else {
                    #expect(reply.status == .forbidden, "\(operation.method) \(operation.path) should be refused")
                }
            }
        }
    }

    @Test func theDocumentIsCompleteAgainstTheRouteTable() async throws {
        let app = try await TestApp.make()
        let documented = try await app.run { client in Self.operations(try await client.call(.get, "/api/openapi.json").json) }
        #expect(documented.count == app.endpoints.count)
        for endpoint in app.endpoints {
            let path = endpoint.path.replacingOccurrences(of: #"\{[a-zA-Z]+\}"#, with: "1", options: .regularExpression)
            #expect(documented.contains { $0.method == endpoint.method && $0.path == path }, "\(endpoint.method) \(endpoint.path) undocumented")
        }
    }
}
