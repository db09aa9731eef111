import Foundation

public struct UserInput: Sendable {
    public var username: String?
    public var name: String?
    public var roleIds: [Int64]?
    /// `.some(nil)` clears the department.
    public var departmentId: Int64??
    /// `.some(nil)` clears the extension.
    public var `extension`: String??
    public var password: String?

    public init(
        username: String? = nil, name: String? = nil, roleIds: [Int64]? = nil, departmentId: Int64?? = nil,
        extension: String?? = nil, password: String? = nil
    ) {
        self.username = username
        self.name = name
        self.roleIds = roleIds
        self.departmentId = departmentId
        self.extension = `extension`
        self.password = password
    }
}

/// 用户管理: accounts, kept within each caller's data scope and never given
/// more rights than the caller holds.
public struct UserService: Sendable {
    let repos: Repositories
    let audit: AuditTrail
    let hasher: any PasswordHasher
    let now: @Sendable () -> Date

    public init(repos: Repositories, audit: AuditTrail, hasher: any PasswordHasher, now: @escaping @Sendable () -> Date = Date.init) {
        self.repos = repos
        self.audit = audit
        self.hasher = hasher
        self.now = now
    }

    public func list(_ query: ListQuery, departmentId: Int64?, for actor: Actor) async throws -> Page<User> {
        let tree = try await repos.authorization.tree { try await repos.departments.all() }
        return try await repos.users.list(
            query,
            filter: UserFilter(visibility: actor.principal.userVisibility(in: tree), departmentIds: departmentId.map { tree.subtree(of: $0) })
        )
    }

    public func get(_ id: Int64, for actor: Actor) async throws -> User {
        guard let user = try await repos.users.get(id) else { throw DomainError.notFound("user") }
        let tree = try await repos.authorization.tree { try await repos.departments.all() }
        guard actor.principal.canSee(user: user, in: tree) else {
            throw DomainError(.outOfScope, "that user is outside your data scope")
        }
        return user
    }

    /// Creates a user who must change the password at first login. Returns
    /// the temporary password when the caller did not choose one.
    public func create(_ input: UserInput, by actor: Actor) async throws -> (User, temporaryPassword: String?) {
        guard let rawUsername = input.username else { throw DomainError(.missing, "username is required", field: "username") }
        let username = try Validate.username(rawUsername)
        let name = try Validate.name(input.name ?? username)
        let tree = try await repos.authorization.tree { try await repos.departments.all() }
        let departmentId = input.departmentId ?? nil
        try checkDepartment(departmentId, tree: tree, actor: actor)
        let roleIds = try await checkedRoles(input.roleIds ?? [], actor: actor)
        let ext = try Validate.extensionNumber(input.extension ?? nil)
        if try await repos.users.findByUsername(username) != nil {
            throw DomainError(.conflict, "username “\(username)” is taken", field: "username")
        }
        try await requireFreeExtension(ext, except: nil)
        var temporary: String?
        let password: String
        if let chosen = input.password, !chosen.isEmpty {
            do { try Validate.newPassword(chosen, username: username) } catch var error as DomainError {
                error.field = "password"
                throw error
            }
            password = chosen
        } else {
            password = TemporaryPassword.generate()
            temporary = password
        }
        let user = try await repos.users.create(
            NewUser(
                username: username, name: name, roleIds: roleIds, departmentId: departmentId, extension: ext,
                passwordHash: try await hasher.hash(password), mustChangePassword: true, isAdmin: false
            ),
            at: now()
        )
        repos.authorization.invalidate()
        try await audit.record(
            "user.create", target: "user:\(user.id)",
            detail: "\(username) roles=\(roleIds.map(String.init).joined(separator: ",")) department=\(departmentId.map(String.init) ?? "-")",
            actor: actor
        )
        return (user, temporary)
    }

    public func update(_ id: Int64, _ input: UserInput, by actor: Actor) async throws -> User {
        var user = try await get(id, for: actor)
        let tree = try await repos.authorization.tree { try await repos.departments.all() }
        if let username = input.username, username != user.username {
            let username = try Validate.username(username)
            if try await repos.users.findByUsername(username) != nil {
                throw DomainError(.conflict, "username “\(username)” is taken", field: "username")
            }
            if user.isAdmin { throw DomainError(.protected, "the admin account cannot be renamed") }
            user.username = username
        }
        if let name = input.name { user.name = try Validate.name(name) }
        if let departmentId = input.departmentId, departmentId != user.departmentId {
            try checkDepartment(departmentId, tree: tree, actor: actor)
            user.departmentId = departmentId
        }
        if let ext = input.extension {
            let ext = try Validate.extensionNumber(ext)
            try await requireFreeExtension(ext, except: id)
            user.extension = ext
        }
        var rolesChanged = false
        if let roleIds = input.roleIds, Set(roleIds) != Set(user.roleIds) {
            if user.isAdmin { throw DomainError(.protected, "the admin account's roles cannot be changed") }
            // Taking a role away is as sensitive as giving one: the caller must hold both sets.
            _ = try await checkedRoles(user.roleIds, actor: actor)
            user.roleIds = try await checkedRoles(roleIds, actor: actor)
            rolesChanged = true
        }
        if user.id == actor.principal.userId, rolesChanged {
            throw DomainError(.forbidden, "you cannot change your own roles")
        }
        try await repos.users.update(user)
        repos.authorization.invalidate()
        try await audit.record(
            rolesChanged ? "user.roles" : "user.update", target: "user:\(id)",
            detail: "\(user.username) roles=\(user.roleIds.map(String.init).joined(separator: ",")) department=\(user.departmentId.map(String.init) ?? "-")",
            actor: actor
        )
        return user
    }

    public func delete(_ id: Int64, by actor: Actor) async throws {
        let user = try await get(id, for: actor)
        guard !user.isAdmin else { throw DomainError(.protected, "the admin account cannot be deleted") }
        guard user.id != actor.principal.userId else { throw DomainError(.protected, "you cannot delete yourself") }
        _ = try await checkedRoles(user.roleIds, actor: actor)
        try await repos.sessions.deleteAll(userId: id)
        try await repos.users.delete(id)
        repos.authorization.invalidate()
        try await audit.record("user.delete", target: "user:\(id)", detail: user.username, actor: actor)
    }

    /// Sets a new temporary password, ends the user's sessions, and returns it.
    public func resetPassword(_ id: Int64, by actor: Actor) async throws -> String {
        let user = try await get(id, for: actor)
        if user.isAdmin && !actor.principal.user.isAdmin {
            throw DomainError(.protected, "only the admin may reset the admin password")
        }
        _ = try await checkedRoles(user.roleIds, actor: actor)
        let password = TemporaryPassword.generate()
        try await repos.users.setPassword(userId: id, hash: try await hasher.hash(password), mustChange: true)
        try await repos.sessions.deleteAll(userId: id)
        repos.authorization.invalidate()
        try await audit.record("user.password_reset", target: "user:\(id)", detail: user.username, actor: actor)
        return password
    }

    private func checkDepartment(_ departmentId: Int64?, tree: DepartmentTree, actor: Actor) throws {
        guard let departmentId else {
            if actor.principal.dataScope != .all {
                throw DomainError(.outOfScope, "choose a department inside your data scope", field: "departmentId")
            }
            return
        }
        guard tree.contains(departmentId) else { throw DomainError.invalid("departmentId", "department does not exist") }
        if let visible = actor.principal.visibleDepartments(in: tree), !visible.contains(departmentId) {
            throw DomainError(.outOfScope, "that department is outside your data scope", field: "departmentId")
        }
    }

    private func checkedRoles(_ ids: [Int64], actor: Actor) async throws -> [Int64] {
        let unique = Array(Set(ids)).sorted()
        let roles = try await repos.roles.get(ids: unique)
        if roles.count != unique.count {
            let missing = Set(unique).subtracting(roles.map(\.id)).sorted().first!
            throw DomainError.invalid("roleIds", "role \(missing) does not exist")
        }
        if let role = roles.first(where: { !actor.principal.canGrant($0) }) {
            throw DomainError(.forbidden, "you cannot grant role “\(role.name)”: it holds rights you do not have")
        }
        return unique
    }

    /// The extension must exist (分机设置) and not be bound to someone else.
    private func requireFreeExtension(_ ext: String?, except userId: Int64?) async throws {
        guard let ext else { return }
        guard try await repos.extensions.find(number: ext) != nil else {
            throw DomainError.invalid(
                "extension", "extension \(ext) does not exist; create it under PBX配置 → 分机设置 first", code: MessageCode("noSuchExtension", ["number": ext]))
        }
        guard let holder = try await repos.users.findByExtension(ext), holder.id != userId else { return }
        throw DomainError(.conflict, "extension \(ext) is already bound to \(holder.username)", field: "extension")
    }
}
