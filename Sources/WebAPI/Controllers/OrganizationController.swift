import CallCenter
import Hummingbird

/// 组织机构: departments, roles and users.
enum OrganizationController {
    static func register(on table: RouteTable, services s: Services) {
        registerDepartments(on: table, services: s)
        registerRoles(on: table, services: s)
        registerUsers(on: table, services: s)
    }

    static func registerDepartments(on table: RouteTable, services s: Services) {
        let p = Permission.departments
        table.add(
            Endpoint(
                method: .get, path: "/api/v1/departments", access: .permission(p.permission(.view)), summary: "Departments in my scope (flat; parentId builds the tree)",
                tag: "organization", response: .list(of: "Department"), query: Endpoint.listQuery
            )
        ) { request, _, caller in
            let query = try request.listQuery()
            var items = try await s.departments.list(for: caller.actor)
            if let q = query.q?.lowercased() { items = items.filter { $0.name.lowercased().contains(q) } }
            let page = try query.page(items, sortable: [
                "id": { $0.id < $1.id }, "name": { $0.name < $1.name }, "createdAt": { $0.createdAt < $1.createdAt },
            ])
            return try .json(ListBody(items: page.items.map(DepartmentBody.init), total: page.total))
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/departments", access: .permission(p.permission(.create)), summary: "Create a department", tag: "organization",
                     request: DepartmentInput.schema, response: .ref("Department"), status: 201)
        ) { request, context, caller in
            let input = try await JSONCoding.decode(DepartmentInput.self, from: request, context: context)
            guard let name = input.name else { throw DomainError(.missing, "name is required", field: "name") }
            let parent: Int64? = if case .value(let id) = input.parentId { id } else { nil }
            return try .json(DepartmentBody(department: try await s.departments.create(name: name, parentId: parent, by: caller.actor)), status: .created)
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/departments/{id}", access: .permission(p.permission(.view)), summary: "One department", tag: "organization", response: .ref("Department"))
        ) { _, context, caller in
            try .json(DepartmentBody(department: try await s.departments.get(try context.id(), for: caller.actor)))
        }
        for method in [HTTPRequest.Method.put, .patch] {
            table.add(
                Endpoint(method: method, path: "/api/v1/departments/{id}", access: .permission(p.permission(.update)), summary: "Rename or move a department",
                         tag: "organization", request: DepartmentInput.schema, response: .ref("Department"))
            ) { request, context, caller in
                let id = try context.id()
                let input = try await JSONCoding.decode(DepartmentInput.self, from: request, context: context)
                let updated = try await s.departments.update(id, name: input.name, parentId: input.parentId.asDoubleOptional, by: caller.actor)
                return try .json(DepartmentBody(department: updated))
            }
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/departments/{id}", access: .permission(p.permission(.delete)), summary: "Delete an empty department", tag: "organization", status: 204)
        ) { _, context, caller in
            try await s.departments.delete(try context.id(), by: caller.actor)
            return .noContent
        }
    }

    static func registerRoles(on table: RouteTable, services s: Services) {
        let p = Permission.roles
        table.add(
            Endpoint(method: .get, path: "/api/v1/roles", access: .permission(p.permission(.view)), summary: "Roles", tag: "organization",
                     response: .list(of: "Role"), query: Endpoint.listQuery)
        ) { request, _, _ in
            let page = try await s.roles.list(try request.listQuery())
            return try .json(ListBody(items: page.items, total: page.total))
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/roles", access: .permission(p.permission(.create)), summary: "Create a role", tag: "organization",
                     request: RoleInput.schema, response: .ref("Role"), status: 201)
        ) { request, context, caller in
            let input = try await JSONCoding.decode(RoleInput.self, from: request, context: context)
            guard let name = input.name else { throw DomainError(.missing, "name is required", field: "name") }
            let role = try await s.roles.create(name: name, permissions: input.permissions ?? [], dataScope: input.dataScope ?? .self, by: caller.actor)
            return try .json(role, status: .created)
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/roles/{id}", access: .permission(p.permission(.view)), summary: "One role", tag: "organization", response: .ref("Role"))
        ) { _, context, _ in
            try .json(try await s.roles.get(try context.id()))
        }
        for method in [HTTPRequest.Method.put, .patch] {
            table.add(
                Endpoint(method: method, path: "/api/v1/roles/{id}", access: .permission(p.permission(.update)), summary: "Change a role", tag: "organization",
                         request: RoleInput.schema, response: .ref("Role"))
            ) { request, context, caller in
                let id = try context.id()
                let input = try await JSONCoding.decode(RoleInput.self, from: request, context: context)
                return try .json(try await s.roles.update(id, name: input.name, permissions: input.permissions, dataScope: input.dataScope, by: caller.actor))
            }
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/roles/{id}", access: .permission(p.permission(.delete)), summary: "Delete a role no user holds", tag: "organization", status: 204)
        ) { _, context, caller in
            try await s.roles.delete(try context.id(), by: caller.actor)
            return .noContent
        }
    }

    static func registerUsers(on table: RouteTable, services s: Services) {
        let p = Permission.users
        table.add(
            Endpoint(
                method: .get, path: "/api/v1/users", access: .permission(p.permission(.view)), summary: "Users in my scope", tag: "organization",
                response: .list(of: "User"),
                query: Endpoint.listQuery + [QueryParameter(name: "departmentId", schema: .integer, description: "Only users of this department and the departments below it")]
            )
        ) { request, _, caller in
            let page = try await s.users.list(try request.listQuery(), departmentId: try request.optionalIntQuery("departmentId"), for: caller.actor)
            return try .json(ListBody(items: page.items.map { UserBody(user: $0) }, total: page.total))
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/users", access: .permission(p.permission(.create)), summary: "Create a user (temporary password returned once when none is given)",
                     tag: "organization", request: UserInputBody.schema, response: .ref("User"), status: 201)
        ) { request, context, caller in
            let body = try await JSONCoding.decode(UserInputBody.self, from: request, context: context)
            let (user, temporary) = try await s.users.create(body.input, by: caller.actor)
            // Calls to and from the extension now concern this user (their events).
            if let number = user.extension { await s.sip.extensionChanged(number) }
            return try .json(UserBody(user: user, temporaryPassword: temporary), status: .created)
        }
        table.add(
            Endpoint(method: .get, path: "/api/v1/users/{id}", access: .permission(p.permission(.view)), summary: "One user", tag: "organization", response: .ref("User"))
        ) { _, context, caller in
            try .json(UserBody(user: try await s.users.get(try context.id(), for: caller.actor)))
        }
        for method in [HTTPRequest.Method.put, .patch] {
            table.add(
                Endpoint(method: method, path: "/api/v1/users/{id}", access: .permission(p.permission(.update)), summary: "Change a user", tag: "organization",
                         request: UserInputBody.schema, response: .ref("User"))
            ) { request, context, caller in
                let id = try context.id()
                let body = try await JSONCoding.decode(UserInputBody.self, from: request, context: context)
                if body.input.password != nil {
                    throw DomainError.invalid("password", "use reset-password to change another user's password")
                }
                let before = try await s.users.get(id, for: caller.actor).extension
                let user = try await s.users.update(id, body.input, by: caller.actor)
                for number in Set([before, user.extension].compactMap { $0 }) { await s.sip.extensionChanged(number) }
                return try .json(UserBody(user: user))
            }
        }
        table.add(
            Endpoint(method: .delete, path: "/api/v1/users/{id}", access: .permission(p.permission(.delete)), summary: "Delete a user", tag: "organization", status: 204)
        ) { _, context, caller in
            let id = try context.id()
            let before = try await s.users.get(id, for: caller.actor).extension
            try await s.users.delete(id, by: caller.actor)
            if let before { await s.sip.extensionChanged(before) }
            return .noContent
        }
        table.add(
            Endpoint(method: .post, path: "/api/v1/users/{id}/reset-password", access: .permission(p.permission(.update)),
                     summary: "Give a user a new temporary password", tag: "organization",
                     response: .object([("temporaryPassword", .string())], required: ["temporaryPassword"]))
        ) { _, context, caller in
            struct Body: Encodable { let temporaryPassword: String }
            return try .json(Body(temporaryPassword: try await s.users.resetPassword(try context.id(), by: caller.actor)))
        }
    }
}
