import Foundation

/// 部门管理: the department tree, kept within each caller's data scope.
public struct DepartmentService: Sendable {
    let repos: Repositories
    let audit: AuditTrail
    let now: @Sendable () -> Date

    public init(repos: Repositories, audit: AuditTrail, now: @escaping @Sendable () -> Date = Date.init) {
        self.repos = repos
        self.audit = audit
        self.now = now
    }

    public func tree() async throws -> DepartmentTree { try await repos.authorization.tree { try await repos.departments.all() } }

    public func list(for actor: Actor) async throws -> [Department] {
        let all = try await repos.departments.all()
        guard let visible = actor.principal.visibleDepartments(in: DepartmentTree(all)) else { return all }
        return all.filter { visible.contains($0.id) }
    }

    public func get(_ id: Int64, for actor: Actor) async throws -> Department {
        let all = try await repos.departments.all()
        guard let department = all.first(where: { $0.id == id }) else { throw DomainError.notFound("department") }
        try requireVisible(id, tree: DepartmentTree(all), actor: actor)
        return department
    }

    public func create(name: String, parentId: Int64?, by actor: Actor) async throws -> Department {
        let name = try Validate.name(name)
        let tree = try await self.tree()
        if let parentId {
            guard tree.contains(parentId) else { throw DomainError.invalid("parentId", "parent department does not exist") }
            try requireVisible(parentId, tree: tree, actor: actor)
        } else if actor.principal.dataScope != .all {
            throw DomainError(.outOfScope, "only a role with scope `all` may create a top-level department", field: "parentId")
        }
        let department = try await repos.departments.create(name: name, parentId: parentId, at: now())
        repos.authorization.invalidate()
        try await audit.record("department.create", target: "department:\(department.id)", detail: name, actor: actor)
        return department
    }

    /// Renames and/or moves; `parentId` `.some(nil)` moves to the top level.
    public func update(_ id: Int64, name: String?, parentId: Int64??, by actor: Actor) async throws -> Department {
        let tree = try await self.tree()
        guard var department = try await repos.departments.get(id) else { throw DomainError.notFound("department") }
        try requireVisible(id, tree: tree, actor: actor)
        if let name { department.name = try Validate.name(name) }
        if let newParent = parentId, newParent != department.parentId {
            if let parent = newParent {
                guard tree.contains(parent) else { throw DomainError.invalid("parentId", "parent department does not exist") }
                try requireVisible(parent, tree: tree, actor: actor)
                if tree.wouldCreateCycle(moving: id, under: parent) {
                    throw DomainError(.departmentCycle, "a department cannot move under itself or its own sub-department", field: "parentId")
                }
            } else if actor.principal.dataScope != .all {
                throw DomainError(.outOfScope, "only a role with scope `all` may move a department to the top level", field: "parentId")
            }
            // Moving your own department away would take it out of your scope.
            if actor.principal.dataScope == .department, id == actor.principal.user.departmentId {
                throw DomainError(.outOfScope, "you cannot move your own department")
            }
            department.parentId = newParent
        }
        try await repos.departments.update(department)
        repos.authorization.invalidate()
        try await audit.record("department.update", target: "department:\(id)", detail: department.name, actor: actor)
        return department
    }

    public func delete(_ id: Int64, by actor: Actor) async throws {
        let tree = try await self.tree()
        guard let department = try await repos.departments.get(id) else { throw DomainError.notFound("department") }
        try requireVisible(id, tree: tree, actor: actor)
        let children = tree.children(of: id).count
        let users = try await repos.users.count(inDepartment: id)
        guard children == 0, users == 0 else {
            throw DomainError(
                .departmentNotEmpty,
                "department “\(department.name)” still has \(children) sub-department(s) and \(users) user(s)"
            )
        }
        try await repos.departments.delete(id)
        repos.authorization.invalidate()
        try await audit.record("department.delete", target: "department:\(id)", detail: department.name, actor: actor)
    }

    func requireVisible(_ id: Int64, tree: DepartmentTree, actor: Actor) throws {
        if let visible = actor.principal.visibleDepartments(in: tree), !visible.contains(id) {
            throw DomainError(.outOfScope, "that department is outside your data scope")
        }
    }
}
