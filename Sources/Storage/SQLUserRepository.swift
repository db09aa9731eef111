import CallCenter
import Foundation
import SQLKit

struct SQLUserRepository: UserRepository {
    let db: any SQLDatabase
    let reads: ReaderPool
    private var read: any SQLDatabase { reads.any }
    private static let columns = ["id", "username", "name", "department_id", "extension", "must_change_password", "is_admin", "created_at"]
    private static let sortable = [
        "id": "id", "username": "username_key", "name": "name", "extension": "extension",
        "createdAt": "created_at", "departmentId": "department_id",
    ]

    func list(_ query: ListQuery, filter: UserFilter) async throws -> Page<User> {
        func filtered(_ select: SQLSelectBuilder) -> SQLSelectBuilder {
            var select = select
            if let q = query.q?.trimmingCharacters(in: .whitespaces), !q.isEmpty {
                select = select.where(ContainsLowercasedText(column: "search_text", text: q))
            }
            switch filter.visibility {
            case .all: break
            case .departments(let ids):
                select = ids.isEmpty ? select.where(SQLLiteral.boolean(false)) : select.where("department_id", .in, Array(ids))
            case .only(let id): select = select.where("id", .equal, id)
            }
            if let ids = filter.departmentIds {
                select = ids.isEmpty ? select.where(SQLLiteral.boolean(false)) : select.where("department_id", .in, Array(ids))
            }
            return select
        }
        let count = { try await filtered(read.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("users")).first()?.int("n") ?? 0 }
        guard query.q != nil else {
            // Unfiltered: an index walks the page and stops; the count is cheap.
            let rows = try await filtered(read.select().columns(Self.columns).from("users"))
                .paged(query, sortable: Self.sortable, defaultSort: "id").all()
            return Page(items: try await withRoles(rows.map(Self.user)), total: try await count())
        }
        // A search scans anyway: one scan yields the page and the total (a window
        // count, in SQLite and PostgreSQL alike); only a page past the end needs a second.
        let rows = try await filtered(
            read.select().columns(Self.columns.map { SQLColumn($0) as any SQLExpression })
                .column(SQLRaw("COUNT(*) OVER ()"), as: "total_rows").from("users")
        )
        .paged(query, sortable: Self.sortable, defaultSort: "id").all()
        let total: Int
        if let first = rows.first {
            total = try first.int("total_rows")
        } else {
            total = try await count()
        }
        return Page(items: try await withRoles(rows.map(Self.user)), total: total)
    }

    func get(_ id: Int64) async throws -> User? {
        guard let row = try await read.select().columns(Self.columns).from("users").where("id", .equal, id).first() else { return nil }
        return try await withRoles([Self.user(row)]).first
    }

    func findByUsername(_ username: String) async throws -> User? {
        guard let row = try await read.select().columns(Self.columns).from("users")
            .where("username_key", .equal, username.lowercased()).first()
        else { return nil }
        return try await withRoles([Self.user(row)]).first
    }

    func findByExtension(_ ext: String) async throws -> User? {
        guard let row = try await read.select().columns(Self.columns).from("users").where("extension", .equal, ext).first() else { return nil }
        return try await withRoles([Self.user(row)]).first
    }

    func passwordHash(userId: Int64) async throws -> String? {
        try await read.select().column("password_hash").from("users").where("id", .equal, userId).first()?.string("password_hash")
    }

    func create(_ user: NewUser, at: Date) async throws -> User {
        try await mappingConflicts(field: "username") {
            let row = try await db.insert(into: "users")
                .columns(
                    "username", "username_key", "name", "department_id", "extension", "password_hash", "must_change_password", "is_admin",
                    "created_at", "search_text"
                )
                .values(
                    SQLBind(user.username), SQLBind(user.username.lowercased()), SQLBind(user.name), SQLBind(user.departmentId),
                    SQLBind(user.extension), SQLBind(user.passwordHash), SQLBind(user.mustChangePassword), SQLBind(user.isAdmin),
                    SQLBind(Timestamp.string(at)), SQLBind(Self.searchText(user.username, user.name, user.extension))
                )
                .returning("id").first()
            guard let row else { throw DomainError(.invalid, "user was not stored") }
            let id = try row.int64("id")
            try await setRoles(userId: id, roleIds: user.roleIds)
            return User(
                id: id, username: user.username, name: user.name, roleIds: user.roleIds.sorted(), departmentId: user.departmentId,
                extension: user.extension, mustChangePassword: user.mustChangePassword, isAdmin: user.isAdmin, createdAt: at
            )
        }
    }

    func update(_ user: User) async throws {
        try await mappingConflicts(field: "username") {
            try await db.update("users").set("username", to: user.username).set("username_key", to: user.username.lowercased())
                .set("name", to: user.name).set("department_id", to: user.departmentId).set("extension", to: user.extension)
                .set("search_text", to: Self.searchText(user.username, user.name, user.extension))
                .where("id", .equal, user.id).run()
            try await setRoles(userId: user.id, roleIds: user.roleIds)
        }
    }

    func setPassword(userId: Int64, hash: String, mustChange: Bool) async throws {
        try await db.update("users").set("password_hash", to: hash).set("must_change_password", to: mustChange)
            .where("id", .equal, userId).run()
    }

    func signInUnlockedAt(userId: Int64) async throws -> Date? {
        let row = try await db.select().column("sign_in_unlocked_at").from("users").where("id", .equal, userId).first()
        return try row?.optionalString("sign_in_unlocked_at").map(Timestamp.date)
    }

    func unlockSignIn(userId: Int64, at: Date) async throws {
        try await db.update("users").set("sign_in_unlocked_at", to: Timestamp.string(at)).where("id", .equal, userId).run()
    }

    func delete(_ id: Int64) async throws {
        try await db.delete(from: "user_roles").where("user_id", .equal, id).run()
        try await db.delete(from: "sessions").where("user_id", .equal, id).run()
        try await db.delete(from: "users").where("id", .equal, id).run()
    }

    func count(inDepartment departmentId: Int64) async throws -> Int {
        try await read.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("users")
            .where("department_id", .equal, departmentId).first()?.int("n") ?? 0
    }

    func count() async throws -> Int {
        try await read.select().column(SQLFunction("COUNT", args: SQLLiteral.all), as: "n").from("users").first()?.int("n") ?? 0
    }

    private func setRoles(userId: Int64, roleIds: [Int64]) async throws {
        try await db.delete(from: "user_roles").where("user_id", .equal, userId).run()
        guard !roleIds.isEmpty else { return }
        var insert = db.insert(into: "user_roles").columns("user_id", "role_id")
        for roleId in Set(roleIds).sorted() { insert = insert.values(SQLBind(userId), SQLBind(roleId)) }
        try await insert.run()
    }

    /// Fills `roleIds` for a page of users with one query.
    private func withRoles(_ users: [User]) async throws -> [User] {
        guard !users.isEmpty else { return users }
        let rows = try await read.select().columns("user_id", "role_id").from("user_roles")
            .where("user_id", .in, users.map(\.id)).orderBy("role_id").all()
        var roles: [Int64: [Int64]] = [:]
        for row in rows { roles[try row.int64("user_id"), default: []].append(try row.int64("role_id")) }
        return users.map { user in
            var user = user
            user.roleIds = roles[user.id] ?? []
            return user
        }
    }

    static func searchText(_ username: String, _ name: String, _ ext: String?) -> String {
        "\(username) \(name) \(ext ?? "")".lowercased()
    }

    static func user(_ row: any SQLRow) throws -> User {
        User(
            id: try row.int64("id"), username: try row.string("username"), name: try row.string("name"), roleIds: [],
            departmentId: try row.optionalInt64("department_id"), extension: try row.optionalString("extension"),
            mustChangePassword: try row.bool("must_change_password"), isAdmin: try row.bool("is_admin"), createdAt: try row.date("created_at")
        )
    }
}
