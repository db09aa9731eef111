import Foundation

/// First start and `hotline admin reset-password`: the accounts that must exist.
public struct Bootstrap: Sendable {
    let repos: Repositories
    let hasher: any PasswordHasher
    let audit: AuditTrail

    public init(repos: Repositories, hasher: any PasswordHasher, audit: AuditTrail) {
        self.repos = repos
        self.hasher = hasher
        self.audit = audit
    }

    public static let adminRoleName = "管理员"

    /// Creates the built-in admin role and the `admin` user when absent.
    /// Returns the generated password when one had to be made up.
    public func ensureAdmin(password: String?) async throws -> (created: Bool, generatedPassword: String?) {
        let role: Role
        if let existing = try await repos.roles.list(ListQuery(pageSize: ListQuery.maxPageSize)).items.first(where: \.builtin) {
            role = existing
        } else {
            role = try await repos.roles.create(name: Self.adminRoleName, permissions: Permission.catalogue.map(\.key), dataScope: .all, builtin: true)
        }
        if try await repos.users.findByUsername("admin") != nil { return (false, nil) }
        let chosen = password.flatMap { $0.isEmpty ? nil : $0 }
        let actual = chosen ?? TemporaryPassword.generate()
        let admin = try await repos.users.create(
            NewUser(
                username: "admin", name: "Administrator", roleIds: [role.id], departmentId: nil, extension: nil,
                passwordHash: try await hasher.hash(actual), mustChangePassword: false, isAdmin: true
            ),
            at: Date()
        )
        try await audit.record("user.create", target: "user:\(admin.id)", detail: "admin (first start)", actor: nil, address: "local", actorName: "hotline")
        return (true, chosen == nil ? actual : nil)
    }

    /// Gives `username` a new temporary password that must be changed at next login.
    public func resetPassword(username: String) async throws -> String {
        guard let user = try await repos.users.findByUsername(username) else { throw DomainError.notFound("user “\(username)”") }
        let password = TemporaryPassword.generate()
        try await repos.users.setPassword(userId: user.id, hash: try await hasher.hash(password), mustChange: true)
        try await repos.sessions.deleteAll(userId: user.id)
        // A reset from the console also lifts an account-wide sign-in lock.
        try await repos.users.unlockSignIn(userId: user.id, at: Date())
        try await audit.record("user.password_reset", target: "user:\(user.id)", detail: "command line", actor: nil, address: "local", actorName: "hotline")
        return password
    }
}
