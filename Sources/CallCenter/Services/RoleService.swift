import Foundation

/// 角色管理: permission sets with a data scope. Roles are global; what a
/// caller may grant is bounded by what it holds.
public struct RoleService: Sendable {
    let repos: Repositories
    let audit: AuditTrail

    public init(repos: Repositories, audit: AuditTrail) {
        self.repos = repos
        self.audit = audit
    }

    public func list(_ query: ListQuery) async throws -> Page<Role> { try await repos.roles.list(query) }

    public func get(_ id: Int64) async throws -> Role {
        guard let role = try await repos.roles.get(id) else { throw DomainError.notFound("role") }
        return role
    }

    public func create(name: String, permissions: [String], dataScope: DataScope, by actor: Actor) async throws -> Role {
        let name = try Validate.name(name)
        let permissions = try checkedPermissions(permissions, scope: dataScope, actor: actor)
        if try await repos.roles.findByName(name) != nil {
            throw DomainError(.conflict, "a role named “\(name)” already exists", field: "name")
        }
        let role = try await repos.roles.create(name: name, permissions: permissions, dataScope: dataScope, builtin: false)
        repos.authorization.invalidate()
        try await audit.record(
            "role.create", target: "role:\(role.id)",
            detail: "\(name) scope=\(dataScope.rawValue) permissions=\(permissions.joined(separator: ","))", actor: actor
        )
        return role
    }

    public func update(_ id: Int64, name: String?, permissions: [String]?, dataScope: DataScope?, by actor: Actor) async throws -> Role {
        var role = try await get(id)
        guard !role.builtin else { throw DomainError(.protected, "the built-in administrator role cannot be changed") }
        guard actor.principal.canGrant(role) else {
            throw DomainError(.forbidden, "this role holds rights you do not have")
        }
        try await requireScopeOverHolders(of: role, actor: actor)
        if let name {
            let name = try Validate.name(name)
            if let other = try await repos.roles.findByName(name), other.id != id {
                throw DomainError(.conflict, "a role named “\(name)” already exists", field: "name")
            }
            role.name = name
        }
        if let dataScope { role.dataScope = dataScope }
        if let permissions { role.permissions = permissions }
        role.permissions = try checkedPermissions(role.permissions, scope: role.dataScope, actor: actor)
        try await repos.roles.update(role)
        repos.authorization.invalidate()
        try await audit.record(
            "role.update", target: "role:\(id)",
            detail: "\(role.name) scope=\(role.dataScope.rawValue) permissions=\(role.permissions.joined(separator: ","))",
            actor: actor
        )
        return role
    }

    public func delete(_ id: Int64, by actor: Actor) async throws {
        let role = try await get(id)
        guard !role.builtin else { throw DomainError(.protected, "the built-in administrator role cannot be deleted") }
        guard actor.principal.canGrant(role) else {
            throw DomainError(.forbidden, "this role holds rights you do not have")
        }
        try await requireScopeOverHolders(of: role, actor: actor)
        let holders = try await repos.roles.userCount(roleId: id)
        guard holders == 0 else {
            throw DomainError(.inUse, "role “\(role.name)” is still given to \(holders) user(s)")
        }
        try await repos.roles.delete(id)
        repos.authorization.invalidate()
        try await audit.record("role.delete", target: "role:\(id)", detail: role.name, actor: actor)
    }

    /// Roles are shared by departments: changing one changes the rights of
    /// everyone holding it, so only someone whose data scope covers every
    /// holder may change or delete it (a department manager may not reshape
    /// the Agent role for the whole company).
    private func requireScopeOverHolders(of role: Role, actor: Actor) async throws {
        guard actor.principal.dataScope != .all else { return }
        let tree = try await repos.authorization.tree { try await repos.departments.all() }
        let holders = try await repos.roles.holders(roleId: role.id)
        let outside = holders.filter { holder in
            let probe = User(id: holder.userId, username: "", name: "", roleIds: [], departmentId: holder.departmentId, extension: nil,
                             mustChangePassword: false, isAdmin: false, createdAt: Date(timeIntervalSince1970: 0))
            return !actor.principal.canSee(user: probe, in: tree)
        }
        guard outside.isEmpty else {
            throw DomainError(
                .forbidden, "role “\(role.name)” is also held by \(outside.count) user(s) outside your departments; only someone whose scope covers them all can change it",
                code: MessageCode("roleHeldOutside", ["role": role.name, "count": String(outside.count)]))
        }
    }

    private func checkedPermissions(_ permissions: [String], scope: DataScope, actor: Actor) throws -> [String] {
        var seen = Set<String>()
        let unique = permissions.filter { seen.insert($0).inserted }
        if let unknown = unique.first(where: { !Permission.allKeys.contains($0) }) {
            throw DomainError.invalid("permissions", "unknown permission “\(unknown)”")
        }
        let probe = Role(id: 0, name: "", permissions: unique, dataScope: scope, builtin: false)
        guard actor.principal.canGrant(probe) else {
            throw DomainError(.forbidden, "you cannot grant rights or a data scope you do not have yourself")
        }
        // Keep catalogue order so stored roles compare and display predictably.
        return Permission.catalogue.map(\.key).filter(seen.contains)
    }
}
