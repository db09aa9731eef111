import Foundation
import CallCenter
import Hummingbird

/// 用户登陆 and 密码修改: sign in, sign out, who am I, change my password.
enum AuthController {
    static func register(on table: RouteTable, services s: Services) {
        table.add(
            Endpoint(
                method: .post, path: "/api/v1/auth/login", access: .anonymous, summary: "Sign in", tag: "auth",
                request: LoginInput.schema,
                response: .object([("token", .string()), ("expiresAt", .string(format: "date-time")), ("user", .ref("User"))], required: ["token", "expiresAt", "user"])
            )
        ) { request, context in
            let input = try await JSONCoding.decode(LoginInput.self, from: request, context: context)
            guard input.username.count <= 64, input.password.utf8.count <= 1024 else {
                throw DomainError(.invalidCredentials, "Wrong username or password.")
            }
            let signedIn = try await s.accounts.login(username: input.username, password: input.password, address: context.clientAddress)
            struct Body: Encodable {
                let token: String
                let expiresAt: Date
                let user: UserBody
            }
            var response = try Response.json(Body(token: signedIn.token, expiresAt: signedIn.expiresAt, user: UserBody(user: signedIn.user)))
            response.headers[.setCookie] = Credentials.sessionCookie(signedIn.token, maxAge: Int(s.policy.lifetime))
            return response
        }

        table.add(
            Endpoint(method: .post, path: "/api/v1/auth/logout", access: .signedInAllowingPasswordChange, summary: "Sign out", tag: "auth", status: 204)
        ) { _, _, caller in
            try await s.accounts.logout(token: caller.token, actor: caller.actor)
            var response = Response.noContent
            response.headers[.setCookie] = Credentials.clearedCookie
            return response
        }

        table.add(
            Endpoint(method: .get, path: "/api/v1/me", access: .signedInAllowingPasswordChange, summary: "The signed-in user, with permissions and data scope", tag: "auth", response: .ref("Me"))
        ) { _, _, caller in
            let principal = caller.actor.principal
            let departmentName = try await principal.user.departmentId.asyncFlatMap { try await s.repos.departments.get($0)?.name }
            return try .json(MeBody(principal: principal, departmentName: departmentName))
        }

        table.add(
            Endpoint(
                method: .put, path: "/api/v1/me/password", access: .signedInAllowingPasswordChange, summary: "Change my password (数据配置/密码修改)",
                tag: "auth", request: PasswordChangeInput.schema, status: 204
            )
        ) { request, context, caller in
            let input = try await JSONCoding.decode(PasswordChangeInput.self, from: request, context: context)
            try await s.accounts.changePassword(current: input.currentPassword, new: input.newPassword, actor: caller.actor, token: caller.token)
            return .noContent
        }

        table.add(
            Endpoint(
                method: .get, path: "/api/v1/permissions", access: .signedIn, summary: "The permission catalogue, for the role form", tag: "organization",
                response: .object([("items", .array(.object([("key", .string()), ("group", .string()), ("menu", .boolean)], required: ["key", "group", "menu"])))], required: ["items"])
            )
        ) { _, _, _ in
            struct Body: Encodable { let items: [Permission] }
            return try .json(Body(items: Permission.catalogue))
        }
    }
}

extension Optional {
    func asyncFlatMap<T>(_ transform: (Wrapped) async throws -> T?) async rethrows -> T? {
        guard let self else { return nil }
        return try await transform(self)
    }
}
