import CallCenter
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Storage
import Testing
import WebAPI

/// A Hotline web app over a real SQLite file in a fresh temporary folder,
/// with the admin bootstrapped. Routes run through HummingbirdTesting's
/// router framework (no sockets).
package struct TestApp {
    package static let adminPassword = "Admin-Pass-123"

    package let directory: String
    package let database: Database
    package let repos: Repositories
    package let router: Router<AppRequestContext>
    package let endpoints: [Endpoint]

    package static func make(throttle: LoginThrottle = LoginThrottle()) async throws -> TestApp {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("hotline-test-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var logger = Logger(label: "test")
        logger.logLevel = .warning
        let database = try await Database.open(url: directory + "/hotline.sqlite", logger: logger)
        try await Migrator.run(on: database.sql, logger: logger)
        let repos = database.repositories(dataDirectory: directory)
        // Real bcrypt at the lowest cost keeps the suite quick.
        let hasher = BcryptHasher(cost: 4)
        _ = try await Bootstrap(repos: repos, hasher: hasher, audit: AuditTrail(repository: repos.audit)).ensureAdmin(password: adminPassword)
        let config = WebAppConfiguration(
            repositories: repos, version: "test", hasher: hasher, recordingsDirectory: directory + "/recordings", loginThrottle: throttle)
        let built = WebApp.buildRouterAndEndpoints(config, logger: logger)
        return TestApp(directory: directory, database: database, repos: repos, router: built.router, endpoints: built.endpoints)
    }

    /// Runs `body` with a client, then closes the database and removes the folder.
    package func run<T: Sendable>(_ body: @escaping @Sendable (Client) async throws -> T) async throws -> T {
        let app = Application(router: router)
        let result: T
        do {
            result = try await app.test(.router) { client in try await body(Client(client: client)) }
        } catch {
            try? await database.shutdown()
            try? FileManager.default.removeItem(atPath: directory)
            throw error
        }
        try await database.shutdown()
        try? FileManager.default.removeItem(atPath: directory)
        return result
    }

    package static func with<T: Sendable>(throttle: LoginThrottle = LoginThrottle(), _ body: @escaping @Sendable (Client) async throws -> T) async throws -> T {
        try await make(throttle: throttle).run(body)
    }
}

/// A JSON client over the test framework.
package struct Client: Sendable {
    package let client: any TestClientProtocol

    package struct Reply: Sendable {
        package let status: HTTPResponse.Status
        package let headers: HTTPFields
        package let body: ByteBuffer

        package var json: [String: Any] {
            (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
        }
        package var errorCode: String? { (json["error"] as? [String: Any])?["code"] as? String }
        package var errorField: String? { (json["error"] as? [String: Any])?["field"] as? String }
        package var items: [[String: Any]] { json["items"] as? [[String: Any]] ?? [] }
        package var id: Int64? { (json["id"] as? NSNumber)?.int64Value }
        package var text: String { String(buffer: body) }
    }

    @discardableResult
    package func call(_ method: HTTPRequest.Method, _ uri: String, token: String? = nil, json: Any? = nil, raw: ByteBuffer? = nil, headers extra: HTTPFields = [:]) async throws -> Reply {
        var headers = extra
        if let token { headers[.authorization] = "Bearer \(token)" }
        var body = raw
        if let json {
            body = ByteBuffer(data: try JSONSerialization.data(withJSONObject: json, options: [.fragmentsAllowed]))
            if headers[.contentType] == nil { headers[.contentType] = "application/json" }
        }
        return try await client.execute(uri: uri, method: method, headers: headers, body: body) { response in
            Reply(status: response.status, headers: response.headers, body: response.body)
        }
    }

    package func login(_ username: String, _ password: String) async throws -> Reply {
        try await call(.post, "/api/v1/auth/login", json: ["username": username, "password": password])
    }

    /// Signs in and returns the bearer token, failing the test otherwise.
    package func token(_ username: String = "admin", _ password: String = TestApp.adminPassword) async throws -> String {
        let reply = try await login(username, password)
        #expect(reply.status == .ok, "login \(username): \(reply.text)")
        return try #require(reply.json["token"] as? String)
    }

    /// Creates a user with a known password, lets them set a permanent one,
    /// and returns their token.
    package func settledUser(
        admin: String, username: String, departmentId: Int64?, roleIds: [Int64], extension ext: String? = nil
    ) async throws -> (id: Int64, token: String) {
        var body: [String: Any] = ["username": username, "name": username, "roleIds": roleIds, "password": "Temp-Pass-123"]
        body["departmentId"] = departmentId ?? NSNull()
        if let ext {
            body["extension"] = ext
            // A user is bound only to an extension that exists.
            _ = try await call(.post, "/api/v1/extensions", token: admin, json: ["number": ext])
        }
        let created = try await call(.post, "/api/v1/users", token: admin, json: body)
        #expect(created.status == .created, "create \(username): \(created.text)")
        let id = try #require(created.id)
        let temporary = try await token(username, "Temp-Pass-123")
        let changed = try await call(.put, "/api/v1/me/password", token: temporary, json: ["currentPassword": "Temp-Pass-123", "newPassword": "Final-Pass-456"])
        #expect(changed.status == .noContent, "password change \(username): \(changed.text)")
        return (id, try await token(username, "Final-Pass-456"))
    }

    package func createDepartment(_ name: String, parent: Int64?, token: String) async throws -> Int64 {
        let reply = try await call(.post, "/api/v1/departments", token: token, json: ["name": name, "parentId": parent.map { $0 as Any } ?? NSNull()])
        #expect(reply.status == .created, "create department \(name): \(reply.text)")
        return try #require(reply.id)
    }

    package func createRole(_ name: String, permissions: [String], scope: String, token: String) async throws -> Int64 {
        let reply = try await call(.post, "/api/v1/roles", token: token, json: ["name": name, "permissions": permissions, "dataScope": scope])
        #expect(reply.status == .created, "create role \(name): \(reply.text)")
        return try #require(reply.id)
    }
}
