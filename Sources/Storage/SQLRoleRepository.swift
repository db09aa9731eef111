import CallCenter
import Foundation
import SQLKit

struct SQLRoleRepository: RoleRepository {
    let db: any SQLDatabase
    let reads: ReaderPool
    private var read: any SQLDatabase { reads.any }
    private static let columns = ["id", "name", "permissions", "data_scope", "builtin"]

    func list(_ query: ListQuery) async throws -> Page<Role> {
        let total = try await read.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("roles")
            .whereAnyContains(["name"], query.q).first()?.int("n") ?? 0
        let rows = try await read.select().columns(Self.columns).from("roles").whereAnyContains(["name"], query.q)
            .paged(query, sortable: ["name": "name", "dataScope": "data_scope", "id": "id"], defaultSort: "id").all()
        return Page(items: try rows.map(Self.role), total: total)
    }

    func get(_ id: Int64) async throws -> Role? {
        try await read.select().columns(Self.columns).from("roles").where("id", .equal, id).first().map(Self.role)
    }

    func get(ids: [Int64]) async throws -> [Role] {
        guard !ids.isEmpty else { return [] }
        return try await read.select().columns(Self.columns).from("roles").where("id", .in, ids).all().map(Self.role)
    }

    func findByName(_ name: String) async throws -> Role? {
        try await read.select().columns(Self.columns).from("roles").where("name", .equal, name).first().map(Self.role)
    }

    func create(name: String, permissions: [String], dataScope: DataScope, builtin: Bool) async throws -> Role {
        try await mappingConflicts(field: "name") {
            let row = try await db.insert(into: "roles").columns("name", "permissions", "data_scope", "builtin")
                .values(SQLBind(name), SQLBind(JSONColumn.encode(permissions)), SQLBind(dataScope.rawValue), SQLBind(builtin))
                .returning("id").first()
            guard let row else { throw DomainError(.invalid, "role was not stored") }
            return Role(id: try row.int64("id"), name: name, permissions: permissions, dataScope: dataScope, builtin: builtin)
        }
    }

    func update(_ role: Role) async throws {
        try await mappingConflicts(field: "name") {
            try await db.update("roles").set("name", to: role.name).set("permissions", to: JSONColumn.encode(role.permissions))
                .set("data_scope", to: role.dataScope.rawValue).where("id", .equal, role.id).run()
        }
    }

    func delete(_ id: Int64) async throws {
        try await db.delete(from: "roles").where("id", .equal, id).run()
    }

    func userCount(roleId: Int64) async throws -> Int {
        try await read.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("user_roles")
            .where("role_id", .equal, roleId).first()?.int("n") ?? 0
    }

    func holders(roleId: Int64) async throws -> [RoleHolder] {
        try await read.select().column(SQLColumn("id", table: "users")).column(SQLColumn("department_id", table: "users"))
            .from("user_roles").join("users", on: SQLColumn("user_id", table: "user_roles"), .equal, SQLColumn("id", table: "users"))
            .where(SQLColumn("role_id", table: "user_roles"), .equal, SQLBind(roleId))
            .all().map { RoleHolder(userId: try $0.int64("id"), departmentId: try $0.optionalInt64("department_id")) }
    }

    static func role(_ row: any SQLRow) throws -> Role {
        Role(
            id: try row.int64("id"), name: try row.string("name"), permissions: JSONColumn.decode(try row.string("permissions")),
            dataScope: DataScope(rawValue: try row.string("data_scope")) ?? .self, builtin: try row.bool("builtin")
        )
    }
}
