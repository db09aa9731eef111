/// The signed-in user as authorization sees them: what they may do
/// (the union of their roles' permissions) and what data they may see
/// (the widest scope among their roles).
public struct Principal: Sendable, Equatable {
    public var user: User
    public var permissions: Set<String>
    public var dataScope: DataScope

    public init(user: User, roles: [Role]) {
        self.user = user
        if user.isAdmin || roles.contains(where: \.builtin) {
            permissions = Permission.allKeys
            dataScope = .all
        } else {
            permissions = Set(roles.flatMap(\.permissions)).intersection(Permission.allKeys)
            dataScope = roles.map(\.dataScope).max() ?? .self
        }
    }

    public var userId: Int64 { user.id }

    public func has(_ permission: Permission) -> Bool { permissions.contains(permission.key) }

    public func require(_ permission: Permission) throws {
        guard has(permission) else {
            throw DomainError(.forbidden, "Your role does not allow \(permission.key)")
        }
    }

    /// Departments whose data this principal may see; `nil` means all.
    public func visibleDepartments(in tree: DepartmentTree) -> Set<Int64>? {
        switch dataScope {
        case .all: return nil
        case .department: return user.departmentId.map { tree.subtree(of: $0) } ?? []
        case .self: return user.departmentId.map { [$0] } ?? []
        }
    }

    /// The users a list may show under this principal's scope.
    public func userVisibility(in tree: DepartmentTree) -> UserVisibility {
        switch dataScope {
        case .all: return .all
        case .department: return .departments(visibleDepartments(in: tree) ?? [])
        case .self: return .only(user.id)
        }
    }

    public func canSee(user other: User, in tree: DepartmentTree) -> Bool {
        switch userVisibility(in: tree) {
        case .all: return true
        case .departments(let ids): return other.departmentId.map(ids.contains) ?? false || other.id == user.id
        case .only(let id): return other.id == id
        }
    }

    /// Whether this principal may hand `role` to someone: never more rights
    /// or a wider scope than it holds itself (no privilege escalation).
    public func canGrant(_ role: Role) -> Bool {
        if dataScope == .all && permissions == Permission.allKeys { return true }
        if role.builtin { return false }
        return Set(role.permissions).isSubset(of: permissions) && role.dataScope <= dataScope
    }
}
