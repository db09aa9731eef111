import Foundation

public protocol DepartmentRepository: Sendable {
    func all() async throws -> [Department]
    func get(_ id: Int64) async throws -> Department?
    func create(name: String, parentId: Int64?, at: Date) async throws -> Department
    func update(_ department: Department) async throws
    func delete(_ id: Int64) async throws
}

public protocol RoleRepository: Sendable {
    func list(_ query: ListQuery) async throws -> Page<Role>
    func get(_ id: Int64) async throws -> Role?
    func get(ids: [Int64]) async throws -> [Role]
    func findByName(_ name: String) async throws -> Role?
    func create(name: String, permissions: [String], dataScope: DataScope, builtin: Bool) async throws -> Role
    func update(_ role: Role) async throws
    func delete(_ id: Int64) async throws
    func userCount(roleId: Int64) async throws -> Int
    /// The users holding the role, with their departments (who a change of it reaches).
    func holders(roleId: Int64) async throws -> [RoleHolder]
}

/// Which users a list may show: everyone, those in some departments, or one user.
public enum UserVisibility: Sendable, Equatable {
    case all
    case departments(Set<Int64>)
    case only(Int64)
}

public struct UserFilter: Sendable, Equatable {
    public var visibility: UserVisibility
    /// Only users in these departments (a chosen department and those below it).
    public var departmentIds: Set<Int64>?

    public init(visibility: UserVisibility, departmentIds: Set<Int64>? = nil) {
        self.visibility = visibility
        self.departmentIds = departmentIds
    }
}

public struct NewUser: Sendable, Equatable {
    public var username: String
    public var name: String
    public var roleIds: [Int64]
    public var departmentId: Int64?
    public var `extension`: String?
    public var passwordHash: String
    public var mustChangePassword: Bool
    public var isAdmin: Bool

    public init(
        username: String, name: String, roleIds: [Int64], departmentId: Int64?, extension: String?,
        passwordHash: String, mustChangePassword: Bool, isAdmin: Bool
    ) {
        self.username = username
        self.name = name
        self.roleIds = roleIds
        self.departmentId = departmentId
        self.extension = `extension`
        self.passwordHash = passwordHash
        self.mustChangePassword = mustChangePassword
        self.isAdmin = isAdmin
    }
}

public protocol UserRepository: Sendable {
    func list(_ query: ListQuery, filter: UserFilter) async throws -> Page<User>
    func get(_ id: Int64) async throws -> User?
    func findByUsername(_ username: String) async throws -> User?
    func findByExtension(_ extension: String) async throws -> User?
    func passwordHash(userId: Int64) async throws -> String?
    func create(_ user: NewUser, at: Date) async throws -> User
    func update(_ user: User) async throws
    func setPassword(userId: Int64, hash: String, mustChange: Bool) async throws
    /// When sign-in was last unlocked from the console (or the password reset there).
    func signInUnlockedAt(userId: Int64) async throws -> Date?
    func unlockSignIn(userId: Int64, at: Date) async throws
    func delete(_ id: Int64) async throws
    func count(inDepartment departmentId: Int64) async throws -> Int
    func count() async throws -> Int
}

public protocol SessionRepository: Sendable {
    func create(_ session: Session) async throws
    func get(tokenHash: String) async throws -> Session?
    func touch(tokenHash: String, at: Date) async throws
    func delete(tokenHash: String) async throws
    func deleteAll(userId: Int64) async throws
    /// Ends every session of the user but one (a password change keeps the session that made it).
    func deleteAll(userId: Int64, except tokenHash: String) async throws
    func deleteExpired(now: Date, idle: Duration) async throws
}

public protocol AuditRepository: Sendable {
    func append(_ entry: AuditEntry) async throws
    func list(_ query: ListQuery) async throws -> Page<AuditEntry>
}

public protocol CustomerFieldRepository: Sendable {
    func all() async throws -> [CustomerField]
    func get(_ id: Int64) async throws -> CustomerField?
    func findByKey(_ key: String) async throws -> CustomerField?
    func create(_ field: CustomerField) async throws -> CustomerField
    func update(_ field: CustomerField) async throws
    func delete(_ id: Int64) async throws
}

public protocol FollowUpStatusRepository: Sendable {
    func all() async throws -> [FollowUpStatus]
    func get(_ id: Int64) async throws -> FollowUpStatus?
    func findByName(_ name: String) async throws -> FollowUpStatus?
    func create(_ status: FollowUpStatus) async throws -> FollowUpStatus
    func update(_ status: FollowUpStatus) async throws
    func delete(_ id: Int64) async throws
}

/// The uploaded logo (PNG, JPEG or SVG) shown on the login page and the toolbar.
public struct Logo: Sendable, Equatable {
    public var contentType: String
    public var bytes: [UInt8]

    public init(contentType: String, bytes: [UInt8]) {
        self.contentType = contentType
        self.bytes = bytes
    }
}

public protocol LogoStore: Sendable {
    func load() async throws -> Logo?
    /// Whether a logo has been uploaded, without reading it.
    func exists() -> Bool
    func save(_ logo: Logo) async throws
    func remove() async throws
}

/// Every repository the platform needs, handed around as one value.
public struct Repositories: Sendable {
    public var departments: any DepartmentRepository
    public var roles: any RoleRepository
    public var users: any UserRepository
    public var sessions: any SessionRepository
    public var audit: any AuditRepository
    public var customerFields: any CustomerFieldRepository
    public var followUpStatuses: any FollowUpStatusRepository
    public var logo: any LogoStore
    public var extensions: any ExtensionRepository
    public var registrations: any RegistrationRepository
    public var crm: CRMRepositories
    /// The call detail records (通话记录), written by the call engine.
    public var calls: any CallRecordRepository
    /// Principals and the department tree, shared by every service over these repositories.
    public let authorization = AuthorizationCache()

    public init(
        departments: any DepartmentRepository, roles: any RoleRepository, users: any UserRepository,
        sessions: any SessionRepository, audit: any AuditRepository,
        customerFields: any CustomerFieldRepository, followUpStatuses: any FollowUpStatusRepository,
        logo: any LogoStore, extensions: any ExtensionRepository, registrations: any RegistrationRepository, crm: CRMRepositories,
        calls: any CallRecordRepository
    ) {
        self.departments = departments
        self.roles = roles
        self.users = users
        self.sessions = sessions
        self.audit = audit
        self.customerFields = customerFields
        self.followUpStatuses = followUpStatuses
        self.logo = logo
        self.extensions = extensions
        self.registrations = registrations
        self.crm = crm
        self.calls = calls
    }
}
